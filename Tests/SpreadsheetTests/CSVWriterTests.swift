import Foundation
import Testing
import Spreadsheet

@Suite("CSV writing")
struct CSVWriterTests {
    @Test func writesBOMCommasAndCRLF() {
        let data = CSVWriter.write([["名称", "单位"], ["a,b", "say \"hi\""]])
        let expected = [0xEF, 0xBB, 0xBF] + Array("名称,单位\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n".utf8)
        #expect(Array(data) == expected)
    }

    @Test func noRowsIsJustTheBOM() {
        #expect(Array(CSVWriter.write([])) == [0xEF, 0xBB, 0xBF])
    }

    @Test(arguments: [
        ("abc", "abc"),
        ("", ""),
        ("营业执照", "营业执照"),
        ("a=b", "a=b"),
        ("a,b", "\"a,b\""),
        ("他说\"好\"", "\"他说\"\"好\"\"\""),
        ("第一行\n第二行", "\"第一行\n第二行\""),
        ("第一行\r\n第二行", "\"第一行\r\n第二行\""),
        (" 前导", "\" 前导\""),
        ("尾随 ", "\"尾随 \""),
    ])
    func quotesOnlyWhenNeeded(field: String, escaped: String) {
        #expect(CSVWriter.escape(field) == escaped)
    }

    @Test(arguments: [
        ("=SUM(A1:A9)", "\"'=SUM(A1:A9)\""),
        ("+86 138", "\"'+86 138\""),
        ("-1", "\"'-1\""),
        ("@cmd", "\"'@cmd\""),
        ("\t=1", "\"'\t=1\""),
        ("\r=1", "\"'\r=1\""),
        ("=HYPERLINK(\"http://x\",\"点我\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\""),
    ])
    func defusesFormulas(field: String, escaped: String) {
        #expect(CSVWriter.escape(field) == escaped)
    }

    @Test func roundTripsThroughTheReader() throws {
        let rows = [
            ["信息资源名称", "提供单位", "备注"],
            ["营业执照信息", "市市场监管局", "含,逗号"],
            ["他说\"好\"", " 两端空格 ", "第一行\r\n第二行"],
            ["", "中间空", "x"],
            [],
            ["只有换行\n", "3.50", "0012"],
        ]
        let sheet = try SpreadsheetReader.read(CSVWriter.write(rows))
        #expect(sheet.rows == rows)
    }

    @Test func defusedFormulasReadBackAsText() throws {
        let sheet = try SpreadsheetReader.readCSV(CSVWriter.write([["=1+2", "-5", "@x"]]))
        #expect(sheet.rows == [["'=1+2", "'-5", "'@x"]])
    }
}

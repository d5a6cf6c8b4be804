import Foundation
import Testing
@testable import Spreadsheet

@Suite("CSV reading")
struct CSVReaderTests {
    private func rows(_ text: String) throws -> [[String]] {
        try SpreadsheetReader.readCSV(Data(text.utf8)).rows
    }

    @Test func readsPlainRowsWithCRLF() throws {
        let sheet = try SpreadsheetReader.readCSV(Data("名称,单位,数量\r\n营业执照,市场监管局,3\r\n".utf8))
        #expect(sheet == Sheet(name: "", rows: [["名称", "单位", "数量"], ["营业执照", "市场监管局", "3"]]))
    }

    @Test func quotedFieldsKeepCommasAndDoubledQuotes() throws {
        #expect(try rows("\"营业执照,副本\",\"他说\"\"好\"\"\",普通\n") == [["营业执照,副本", "他说\"好\"", "普通"]])
    }

    @Test func quotedFieldsKeepLineBreaks() throws {
        let text = "名称,备注\r\n\"第一行\r\n第二行\",x\r\n\"只有\n换行\",y\r\n下一条,z\r\n"
        #expect(try rows(text) == [["名称", "备注"], ["第一行\r\n第二行", "x"], ["只有\n换行", "y"], ["下一条", "z"]])
    }

    @Test func utf8BOMIsDropped() throws {
        let data = Data([0xEF, 0xBB, 0xBF] + Array("名称,单位\n营业执照,市场监管局\n".utf8))
        let sheet = try SpreadsheetReader.readCSV(data)
        #expect(sheet.rows == [["名称", "单位"], ["营业执照", "市场监管局"]])
        #expect(sheet.rows[0][0].unicodeScalars.first == "名")
    }

    @Test func lineEndings() throws {
        #expect(try rows("a,b\nc,d") == [["a", "b"], ["c", "d"]])
        #expect(try rows("a,b\rc,d\r") == [["a", "b"], ["c", "d"]], "CR alone, as old Mac Excel wrote")
        #expect(try rows("a\r\r\nb\r\r\n") == [["a"], ["b"]], "a stray CR before CRLF is stripped")
    }

    @Test func trailingEmptiesAreDroppedButInnerEmptyRowsKept() throws {
        #expect(try rows("a,b,,\n,,\n\nc\n\n\n") == [["a", "b"], [], [], ["c"]])
        #expect(try rows("a,,b\n") == [["a", "", "b"]])
    }

    @Test func textIsNotTrimmed() throws {
        #expect(try rows(" a , b \n") == [[" a ", " b "]])
        #expect(try rows("\" 引号内 \",x\n") == [[" 引号内 ", "x"]])
    }

    @Test func emptyInputHasNoRows() throws {
        #expect(try rows("") == [])
        #expect(try rows("\r\n\r\n") == [])
    }

    @Test func strayQuotesAreReadAsExcelReadsThem() throws {
        #expect(try rows("\"ab\"c,d\"e\n") == [["abc", "d\"e"]])
    }

    @Test func gb18030IsDecoded() throws {
        // "营业执照,有条件" as Chinese Excel saves it.
        let gb18030: [UInt8] = [0xD3, 0xAA, 0xD2, 0xB5, 0xD6, 0xB4, 0xD5, 0xD5, 0x2C, 0xD3, 0xD0, 0xCC, 0xF5, 0xBC, 0xFE]
        let sheet = try SpreadsheetReader.readCSV(Data(gb18030 + [0x0D, 0x0A]))
        #expect(sheet.rows == [["营业执照", "有条件"]])
    }

    @Test func gb18030FourByteSequences() throws {
        // U+20000 is outside GBK and takes four bytes in GB18030.
        let sheet = try SpreadsheetReader.readCSV(Data([0x95, 0x32, 0x82, 0x36, 0x2C, 0x61]))
        #expect(sheet.rows == [["\u{20000}", "a"]])
    }

    @Test func undecodableBytesAreAnUnsupportedEncoding() {
        #expect(throws: SpreadsheetError.unsupportedEncoding) {
            try SpreadsheetReader.readCSV(Data([0x61, 0x2C, 0xFF, 0x62]))
        }
        #expect(throws: SpreadsheetError.unsupportedEncoding, "a BOM promises UTF-8") {
            // "有条" in GB18030, which is not valid UTF-8.
            try SpreadsheetReader.readCSV(Data([0xEF, 0xBB, 0xBF, 0xD3, 0xD0, 0xCC, 0xF5]))
        }
    }

    @Test func utf16IsAnUnsupportedEncodingNotBinary() {
        var data = Data([0xFF, 0xFE])
        data.append("名称,单位".data(using: .utf16LittleEndian)!)
        #expect(throws: SpreadsheetError.unsupportedEncoding) { try SpreadsheetReader.readCSV(data) }
    }

    @Test func binaryJunkIsNotASpreadsheet() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52]
        #expect(throws: SpreadsheetError.notASpreadsheet) { try SpreadsheetReader.readCSV(Data(png)) }
        #expect(throws: SpreadsheetError.notASpreadsheet) { try SpreadsheetReader.read(Data(png)) }
        let legacyXLS: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0x00, 0x00]
        #expect(throws: SpreadsheetError.notASpreadsheet) { try SpreadsheetReader.read(Data(legacyXLS)) }
    }

    @Test func nulAfterTheFirst8KBIsNotChecked() throws {
        var data = Data(repeating: UInt8(ascii: "a"), count: 9000)
        data.append(0)
        let sheet = try SpreadsheetReader.readCSV(data)
        #expect(sheet.rows.count == 1)
    }

    @Test func unterminatedQuoteNamesTheLineItOpenedOn() {
        let text = "名称,备注\n正常,\"没有结束\n第三行\n第四行\n"
        #expect(throws: SpreadsheetError.malformed("第 2 行开始的引号没有闭合")) {
            try SpreadsheetReader.readCSV(Data(text.utf8))
        }
        #expect(throws: SpreadsheetError.malformed("第 3 行开始的引号没有闭合"), "line breaks inside quotes count") {
            try SpreadsheetReader.readCSV(Data("\"a\nb\",c\n\"\n".utf8))
        }
    }

    @Test func overTheLimitIsTooLarge() throws {
        let data = Data(repeating: UInt8(ascii: "a"), count: 101)
        #expect(throws: SpreadsheetError.tooLarge(limit: 100)) { try SpreadsheetReader.readCSV(data, limit: 100) }
        #expect(throws: SpreadsheetError.tooLarge(limit: 100)) { try SpreadsheetReader.read(data, limit: 100) }
        #expect(try SpreadsheetReader.readCSV(data.dropLast(), limit: 100).rows[0][0].count == 100)
    }

    @Test func defaultLimitIsTenMegabytes() {
        let data = Data(repeating: UInt8(ascii: "a"), count: SpreadsheetReader.defaultLimit + 1)
        #expect(throws: SpreadsheetError.tooLarge(limit: 10 * 1024 * 1024)) { try SpreadsheetReader.readCSV(data) }
    }

    @Test func acceptsDataSlices() throws {
        let data = Data("跳过,a,b\n".utf8)
        let slice = data.dropFirst("跳过,".utf8.count)
        #expect(try SpreadsheetReader.readCSV(slice).rows == [["a", "b"]])
    }
}

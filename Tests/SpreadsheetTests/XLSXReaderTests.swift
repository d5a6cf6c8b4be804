import Foundation
import Testing
@testable import Spreadsheet

/// Loads a fixture made by Fixtures/make_fixtures.py.
func fixture(_ name: String) throws -> Data {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "xlsx", subdirectory: "Fixtures"))
    return try Data(contentsOf: url)
}

@Suite("XLSX reading")
struct XLSXReaderTests {
    static let catalogRows: [[String]] = [
        ["信息资源名称", "提供单位", "共享类型", "更新周期（天）", "数据量（条）", "是否向社会开放"],
        ["营业执照信息", "市市场监管局", "有条件", "1", "3.5", "TRUE"],
        ["企业年报信息", "市市场监管局", "", "365", "120000", "FALSE"],
        ["重点数据", "45292", "", "  前后空格  ", "", "第一行\r\n第二行 _x0041_"],
        [],
        ["", "", "", "", "", "", "", "备注"],
    ]

    @Test func readsTheFirstSheetOfTheCatalogTemplate() throws {
        let sheet = try SpreadsheetReader.readXLSX(fixture("catalog"))
        #expect(sheet.name == "资源目录")
        #expect(sheet.rows == Self.catalogRows)
    }

    @Test func formatIsDetectedFromTheBytes() throws {
        let data = try fixture("catalog")
        #expect(SpreadsheetFormat.detect(data) == .xlsx)
        #expect(try SpreadsheetReader.read(data) == Sheet(name: "资源目录", rows: Self.catalogRows))
    }

    @Test func acceptsDataSlices() throws {
        let data = Data("前缀".utf8) + (try fixture("catalog"))
        let slice = data.dropFirst("前缀".utf8.count)
        #expect(slice.startIndex != 0)
        #expect(try SpreadsheetReader.read(slice).rows == Self.catalogRows)
    }

    @Test func skipsAHiddenFirstSheet() throws {
        let sheet = try SpreadsheetReader.readXLSX(fixture("hidden_first"))
        #expect(sheet == Sheet(name: "资源目录", rows: [["信息资源名称", "共享类型"], ["社会保险参保信息", "无条件"]]))
    }

    @Test func worksheetWithoutWorkbookPrefixesOrReferences() throws {
        let sheet = try SpreadsheetReader.readXLSX(fixture("minimal"))
        #expect(sheet.name == "Sheet1")
        #expect(sheet.rows == [
            [" 前导空格", "公式结果", "FALSE", "#N/A", "0.1", "<&>"],
            ["1E-3", "", "42"],
        ])
    }

    @Test func renamedTextFileIsNotASpreadsheet() throws {
        let data = try fixture("renamed_text")
        #expect(throws: SpreadsheetError.notASpreadsheet) { try SpreadsheetReader.readXLSX(data) }
        #expect(throws: SpreadsheetError.notASpreadsheet) { try SpreadsheetReader.read(data, format: .xlsx) }
    }

    @Test func zipWithoutWorkbookIsNotASpreadsheet() throws {
        #expect(throws: SpreadsheetError.notASpreadsheet) { try SpreadsheetReader.readXLSX(fixture("not_a_workbook")) }
    }

    @Test func zipBombIsRefusedBeforeInflating() throws {
        let data = try fixture("bomb")
        #expect(data.count < 64 * 1024)
        #expect(throws: SpreadsheetError.tooLarge(limit: 10 * 1024 * 1024)) { try SpreadsheetReader.readXLSX(data) }
        #expect(throws: SpreadsheetError.tooLarge(limit: 10 * 1024 * 1024)) { try SpreadsheetReader.read(data) }
    }

    @Test func zipBombWithLyingHeadersIsStoppedWhileInflating() throws {
        #expect(throws: SpreadsheetError.tooLarge(limit: 10 * 1024 * 1024)) {
            try SpreadsheetReader.readXLSX(fixture("lying_bomb"))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func deflateStreamRunningPastTheEntryFailsInsteadOfHanging() throws {
        #expect(throws: SpreadsheetError.malformed("压缩包中的 xl/worksheets/sheet1.xml 已损坏")) {
            try SpreadsheetReader.readXLSX(fixture("endless_deflate"))
        }
    }

    @Test func limitCountsUncompressedParts() throws {
        let data = try fixture("catalog")
        // The file fits, its unpacked parts do not.
        let limit = data.count + 1
        #expect(throws: SpreadsheetError.tooLarge(limit: limit)) { try SpreadsheetReader.readXLSX(data, limit: limit) }
        #expect(throws: SpreadsheetError.tooLarge(limit: 1000)) { try SpreadsheetReader.readXLSX(data, limit: 1000) }
    }

    @Test func missingSharedStringIsMalformed() throws {
        #expect(throws: SpreadsheetError.malformed("单元格 B1 引用的共享字符串第 5 项不存在")) {
            try SpreadsheetReader.readXLSX(fixture("bad_shared_string"))
        }
    }

    @Test func documentTypeDeclarationsAreRefused() throws {
        #expect(throws: SpreadsheetError.malformed("xl/worksheets/sheet1.xml 含有不允许的文档类型声明（DTD）")) {
            try SpreadsheetReader.readXLSX(fixture("doctype"))
        }
    }

    @Test func farAwayCellsCannotExhaustMemory() throws {
        let xml = """
        <worksheet><sheetData><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>\
        </sheetData></worksheet>
        """
        let parser = WorksheetParser(sharedStrings: [], limit: 100_000)
        #expect(throws: SpreadsheetError.tooLarge(limit: 100_000)) { try parser.parse(Data(xml.utf8), part: "sheet") }
    }

    @Test func badCellReferenceIsMalformed() {
        let xml = "<worksheet><sheetData><row><c r=\"A0\"><v>1</v></c></row></sheetData></worksheet>"
        let parser = WorksheetParser(sharedStrings: [], limit: 1000)
        #expect(throws: SpreadsheetError.malformed("单元格位置“A0”无效")) { try parser.parse(Data(xml.utf8), part: "sheet") }
    }

    @Test func brokenXMLIsMalformed() {
        let parser = WorksheetParser(sharedStrings: [], limit: 1000)
        #expect(throws: SpreadsheetError.malformed("sheet 不是有效的 XML")) {
            try parser.parse(Data("<worksheet><sheetData>".utf8), part: "sheet")
        }
    }

    @Test func sharedStringsJoinRunsAndSkipPhoneticGuides() throws {
        let xml = """
        <sst><si><t>甲</t></si><si><r><t>重点</t></r><r><rPr><b/></rPr><t xml:space="preserve"> 数据</t></r>\
        <rPh sb="0" eb="1"><t>じゅう</t></rPh></si><si><t/></si></sst>
        """
        let parser = SharedStringsParser()
        try parser.parse(Data(xml.utf8), part: "xl/sharedStrings.xml")
        #expect(parser.strings == ["甲", "重点 数据", ""])
    }

    @Test(arguments: [
        ("A1", 0, 0), ("B3", 2, 1), ("AB12", 11, 27), ("ab12", 11, 27), ("XFD1048576", 1_048_575, 16_383),
    ])
    func cellReferences(reference: String, row: Int, column: Int) throws {
        let position = try #require(CellReference.parse(reference))
        #expect(position.row == row && position.column == column)
        #expect(CellReference.name(row: row, column: column) == reference.uppercased())
    }

    @Test(arguments: ["", "A", "1", "1A", "A0", "XFE1", "A1048577", "$A$1", "A1B", "ABCD1"])
    func invalidCellReferences(reference: String) {
        #expect(CellReference.parse(reference) == nil)
    }

    @Test func escapesAreDecoded() {
        #expect(OOXMLText.decodeEscapes("a_x0042_c") == "aBc")
        #expect(OOXMLText.decodeEscapes("回车_x000D_") == "回车\r")
        #expect(OOXMLText.decodeEscapes("_x005F_x0041_") == "_x0041_")
        #expect(OOXMLText.decodeEscapes("_xZZZZ_ _x00_ x_") == "_xZZZZ_ _x00_ x_")
    }

    @Test func relationshipTargetsResolve() {
        #expect(XLSXReader.resolve("worksheets/sheet1.xml", from: "xl") == "xl/worksheets/sheet1.xml")
        #expect(XLSXReader.resolve("/xl/worksheets/sheet1.xml", from: "xl") == "xl/worksheets/sheet1.xml")
        #expect(XLSXReader.resolve("../xl/./sharedStrings.xml", from: "xl") == "xl/sharedStrings.xml")
        #expect(XLSXReader.resolve("xl/workbook.xml", from: "") == "xl/workbook.xml")
        #expect(XLSXReader.resolve("worksheets\\sheet%201.xml", from: "xl") == "xl/worksheets/sheet 1.xml")
    }
}

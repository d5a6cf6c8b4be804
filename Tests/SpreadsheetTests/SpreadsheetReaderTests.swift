import Foundation
import Testing
@testable import Spreadsheet

@Suite("Formats, sheets and messages")
struct SpreadsheetReaderTests {
    @Test func detectLooksAtTheZipSignature() {
        #expect(SpreadsheetFormat.detect(Data([0x50, 0x4B, 0x03, 0x04, 0x14])) == .xlsx)
        #expect(SpreadsheetFormat.detect(Data("PK,表头\n".utf8)) == .csv)
        #expect(SpreadsheetFormat.detect(Data("名称,单位".utf8)) == .csv)
        #expect(SpreadsheetFormat.detect(Data()) == .csv)
        #expect(SpreadsheetFormat(rawValue: "xlsx") == .xlsx)
    }

    @Test func explicitFormatWinsOverDetection() throws {
        let csv = Data("a,b\n".utf8)
        #expect(throws: SpreadsheetError.notASpreadsheet) { try SpreadsheetReader.read(csv, format: .xlsx) }
        #expect(try SpreadsheetReader.read(csv, format: .csv).rows == [["a", "b"]])
    }

    @Test func sheetInitStoresRowsAsGiven() {
        let sheet = Sheet(name: "表", rows: [["a", ""], []])
        #expect(sheet.rows == [["a", ""], []])
    }

    @Test func normalisingDropsTrailingEmptiesAndCRs() {
        let sheet = Sheet(normalizing: [["a\r", "b\r\n", "c\r\r", "\r", ""], [""], ["d"], ["", ""], []], name: "x")
        #expect(sheet.rows == [["a", "b\r\n", "c"], [], ["d"]])
    }

    @Test func tooLargeMessageSaysTheLimitInMegabytes() {
        #expect(SpreadsheetError.tooLarge(limit: 10 * 1024 * 1024).message == "文件超过 10 MB 上限，请拆分后分别导入。")
        #expect(SpreadsheetError.tooLarge(limit: 1536 * 1024).message == "文件超过 1.5 MB 上限，请拆分后分别导入。")
        #expect(SpreadsheetError.tooLarge(limit: 512 * 1024).message == "文件超过 512 KB 上限，请拆分后分别导入。")
        #expect(SpreadsheetError.tooLarge(limit: 100).message == "文件超过 100 字节 上限，请拆分后分别导入。")
    }

    @Test func everyErrorHasAChineseMessage() {
        let errors: [SpreadsheetError] = [
            .tooLarge(limit: 1), .notASpreadsheet, .unsupportedEncoding, .malformed("第 2 行开始的引号没有闭合"),
        ]
        for error in errors {
            #expect(error.message.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) })
            #expect(error.message.hasSuffix("。"))
        }
        #expect(SpreadsheetError.malformed("第 2 行开始的引号没有闭合").message.contains("第 2 行开始的引号没有闭合"))
    }

    @Test func publicTypesAreSendable() {
        let values: [any Sendable] = [
            Sheet(name: "", rows: []), SpreadsheetError.notASpreadsheet, SpreadsheetFormat.csv,
        ]
        #expect(values.count == 3)
    }
}

/// Why a spreadsheet could not be read.
public enum SpreadsheetError: Error, Equatable, Sendable {
    /// The input, or for .xlsx the total uncompressed size, is over `limit` bytes.
    ///
    /// Also thrown when an .xlsx places cells so far apart that filling the gaps would take
    /// more than `limit` cells: to the department it is the same advice, split the file.
    case tooLarge(limit: Int)
    /// Not a zip / no workbook, or binary data given as CSV.
    case notASpreadsheet
    /// CSV whose bytes are neither UTF-8 nor GB18030 (UTF-16 included).
    case unsupportedEncoding
    /// Readable container, broken content; the detail is Chinese and names the place.
    case malformed(String)

    /// A plain Chinese sentence for the department that uploaded the file.
    public var message: String {
        switch self {
        case .tooLarge(let limit):
            return "文件超过 \(Self.describe(bytes: limit)) 上限，请拆分后分别导入。"
        case .notASpreadsheet:
            return "无法识别的表格文件，请上传 .xlsx 或 .csv 文件（旧版 .xls 请先在 Excel 中另存为 .xlsx）。"
        case .unsupportedEncoding:
            return "无法识别文件的文字编码，请在 Excel 中另存为“CSV UTF-8”或 .xlsx 后重新导入。"
        case .malformed(let detail):
            return "文件内容有误：\(detail)。请检查后重新导入。"
        }
    }

    /// Sizes as people say them ("10 MB", "1.5 MB", "512 KB"), not as byte counts.
    static func describe(bytes: Int) -> String {
        let units: [(size: Double, name: String)] = [(1024 * 1024, "MB"), (1024, "KB")]
        for unit in units where Double(bytes) >= unit.size {
            let tenths = (Double(bytes) / unit.size * 10).rounded()
            let whole = tenths.truncatingRemainder(dividingBy: 10) == 0
            let number = whole ? String(Int(tenths / 10)) : String(tenths / 10)
            return "\(number) \(unit.name)"
        }
        return "\(bytes) 字节"
    }
}

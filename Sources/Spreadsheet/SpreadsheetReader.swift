import Foundation

/// The file formats the reader understands.
public enum SpreadsheetFormat: String, Sendable {
    /// Comma-separated text, UTF-8 or GB18030.
    case csv
    /// An Office Open XML workbook (Excel 2007 and later, WPS).
    case xlsx

    /// Guesses from the first bytes: "PK\u{3}\u{4}" → xlsx, else csv.
    public static func detect(_ data: Data) -> SpreadsheetFormat {
        data.starts(with: [0x50, 0x4B, 0x03, 0x04]) ? .xlsx : .csv
    }
}

/// Reads uploaded spreadsheets into a `Sheet`.
public enum SpreadsheetReader {
    /// The default size limit, 10 MB.
    public static let defaultLimit = 10 * 1024 * 1024

    /// Reads the first worksheet (xlsx) or the whole file (csv).
    ///
    /// Without a `format`, the bytes decide, not the file name: a department's "表格.xlsx" is
    /// sometimes a CSV that was only renamed.
    public static func read(
        _ data: Data,
        format: SpreadsheetFormat? = nil,
        limit: Int = defaultLimit
    ) throws(SpreadsheetError) -> Sheet {
        switch format ?? .detect(data) {
        case .csv: try readCSV(data, limit: limit)
        case .xlsx: try readXLSX(data, limit: limit)
        }
    }

    /// Reads a CSV file (RFC 4180; UTF-8 with or without BOM, or GB18030) into a sheet with an empty name.
    public static func readCSV(_ data: Data, limit: Int = defaultLimit) throws(SpreadsheetError) -> Sheet {
        guard data.count <= limit else { throw .tooLarge(limit: limit) }
        let text = try CSVDecoding.decode(data)
        return Sheet(normalizing: try CSVParser.parse(text), name: "")
    }

    /// Reads the first visible worksheet of an .xlsx file; cells keep their stored text.
    ///
    /// Hidden sheets are skipped because templates often keep their drop-down lists on a hidden
    /// first sheet, and the department never saw it. Numbers and dates stay as written in the
    /// file (dates as serial numbers), booleans become "TRUE"/"FALSE" as in Excel's own CSV
    /// export, formulas give their cached result, and styles are ignored.
    public static func readXLSX(_ data: Data, limit: Int = defaultLimit) throws(SpreadsheetError) -> Sheet {
        guard data.count <= limit else { throw .tooLarge(limit: limit) }
        return try XLSXReader.read(data, limit: limit)
    }
}

/// A sheet as rows of cell strings; the first row is usually the header.
public struct Sheet: Sendable, Equatable {
    /// The worksheet's tab name; empty for CSV, which has no sheet names.
    public var name: String

    /// The cells row by row. As produced by `SpreadsheetReader`: trailing empty rows and each
    /// row's trailing empty cells are dropped, and trailing "\r"s are stripped from each cell;
    /// otherwise the text is kept exactly as written (no trimming), so the importer decides
    /// what whitespace means. Empty rows in the middle stay as `[]` so row numbers still match
    /// what the department sees in Excel.
    public var rows: [[String]]

    /// Stores the rows as given.
    public init(name: String, rows: [[String]]) {
        self.name = name
        self.rows = rows
    }
}

extension Sheet {
    /// Builds a sheet with the rows brought into the shape the readers promise.
    init(normalizing rows: [[String]], name: String) {
        var result = rows.map { row -> [String] in
            var cells = row.map(Self.strippingTrailingCarriageReturn)
            while cells.last?.isEmpty == true { cells.removeLast() }
            return cells
        }
        while result.last?.isEmpty == true { result.removeLast() }
        self.init(name: name, rows: result)
    }

    /// Removes final CRs, the leftovers of CRLF line ends (doubled by some conversions).
    /// Compares scalars, not `Character`s, because Swift merges CR LF into one `Character`.
    static func strippingTrailingCarriageReturn(_ cell: String) -> String {
        guard cell.unicodeScalars.last == "\r" else { return cell }
        var scalars = cell.unicodeScalars
        while scalars.last == "\r" { scalars.removeLast() }
        return String(scalars)
    }
}

import Foundation

/// Writes CSV (RFC 4180, UTF-8 with BOM so Excel opens Chinese correctly, CRLF line ends).
public enum CSVWriter {
    /// Encodes the rows, each ending with CRLF, after a UTF-8 BOM.
    public static func write(_ rows: [[String]]) -> Data {
        var data = Data([0xEF, 0xBB, 0xBF])
        for row in rows {
            data.append(contentsOf: row.map(escape).joined(separator: ",").utf8)
            data.append(contentsOf: [0x0D, 0x0A])
        }
        return data
    }

    /// Quotes a field when needed and defuses spreadsheet formulas.
    ///
    /// Quotes when the field has `,` `"` CR or LF, or leading/trailing spaces (which Excel
    /// would otherwise keep or drop inconsistently), doubling inner quotes. A field starting
    /// with `=` `+` `-` `@`, tab or CR would run as a formula when the exported file is opened
    /// (CSV injection, e.g. `=HYPERLINK(...)` in a name a citizen typed), so it gets a leading
    /// `'`, which Excel shows as text, and is always quoted. Negative numbers get the `'` too:
    /// telling them apart from `-1+cmd|...` is not worth the risk.
    public static func escape(_ field: String) -> String {
        let scalars = field.unicodeScalars
        var text = field
        var needsQuotes = false
        if let first = scalars.first, formulaTriggers.contains(first) {
            text = "'" + field
            needsQuotes = true
        }
        if scalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) {
            needsQuotes = true
        }
        if let first = scalars.first, let last = scalars.last, edgeSpaces.contains(first) || edgeSpaces.contains(last) {
            needsQuotes = true
        }
        guard needsQuotes else { return text }
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in text.unicodeScalars {
            if scalar == "\"" { quoted.append("\"") }
            quoted.append(scalar)
        }
        quoted.append("\"")
        return String(quoted)
    }

    private static let formulaTriggers: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
    private static let edgeSpaces: Set<Unicode.Scalar> = [" ", "\t", "\u{3000}"]
}

import Foundation

/// Turns CSV bytes into text.
enum CSVDecoding {
    /// GB18030 by its Foundation raw value (CoreFoundation's 0x0632 with the high bit set), which
    /// is the same on Darwin and Linux; `CFStringConvertEncodingToNSStringEncoding` is not
    /// available from Swift on Linux.
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    /// How far to look for NUL bytes: text never has them, binary files almost always do early on.
    static let sniffLength = 8 * 1024

    static func decode(_ data: Data) throws(SpreadsheetError) -> String {
        var body = data[...]
        let hasUTF8BOM = body.starts(with: [0xEF, 0xBB, 0xBF])
        if hasUTF8BOM {
            body = body.dropFirst(3)
        } else if body.starts(with: [0xFF, 0xFE]) || body.starts(with: [0xFE, 0xFF]) {
            // Excel's "Unicode text" export is UTF-16; it is text, so say "encoding", not "binary".
            throw .unsupportedEncoding
        }
        if body.prefix(sniffLength).contains(0) { throw .notASpreadsheet }
        if let text = String(data: body, encoding: .utf8) { return text }
        // Chinese Excel saves "CSV (逗号分隔)" in the ANSI code page, GBK, which GB18030 contains.
        // A BOM promised UTF-8, so broken bytes after it are not silently read as GB18030.
        if !hasUTF8BOM, let text = String(data: body, encoding: gb18030) { return text }
        throw .unsupportedEncoding
    }
}

/// An RFC 4180 parser that is lenient where Excel is lenient.
enum CSVParser {
    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    /// Splits text into rows of fields.
    ///
    /// Records end at LF; the CR of a CRLF stays on the last field and `Sheet(normalizing:)`
    /// strips it, which also copes with the CR CR LF endings that double conversions produce.
    /// Files with CR alone (classic Mac Excel) have no LF at all and are split on CR instead.
    static func parse(_ text: String) throws(SpreadsheetError) -> [[String]] {
        // Parsing UTF-8 bytes is safe: the delimiters are ASCII, and no byte of a multi-byte
        // UTF-8 sequence is below 0x80.
        let bytes = Array(text.utf8)
        let lineEnd = bytes.contains(lineFeed) ? lineFeed : carriageReturn
        var rows: [[String]] = []
        var row: [String] = []
        var field: [UInt8] = []
        var line = 1
        var index = 0

        while true {
            field.removeAll(keepingCapacity: true)
            if index < bytes.count, bytes[index] == quote {
                let openedOnLine = line
                index += 1
                while true {
                    guard index < bytes.count else {
                        throw .malformed("第 \(openedOnLine) 行开始的引号没有闭合")
                    }
                    let byte = bytes[index]
                    index += 1
                    if byte == quote {
                        guard index < bytes.count, bytes[index] == quote else { break }
                        index += 1
                    } else if byte == lineEnd {
                        line += 1
                    }
                    field.append(byte)
                }
            }
            // Unquoted text, or whatever follows a closing quote: Excel keeps `"ab"c` as `abc`
            // and a quote in the middle of a field as a literal quote, and so does this.
            while index < bytes.count, bytes[index] != comma, bytes[index] != lineEnd {
                field.append(bytes[index])
                index += 1
            }
            row.append(String(decoding: field, as: UTF8.self))

            guard index < bytes.count else {
                rows.append(row)
                return rows
            }
            let delimiter = bytes[index]
            index += 1
            if delimiter == lineEnd {
                rows.append(row)
                row = []
                line += 1
                if index == bytes.count { return rows }
            }
        }
    }
}

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Shared plumbing for the streaming parsers of the package's XML parts.
///
/// Element names are compared without their namespace prefix: most writers use the default
/// namespace, but some write `<x:row>` and the like.
class XMLPartParser: NSObject, XMLParserDelegate {
    /// The first problem a subclass found; parsing stops there.
    var failure: SpreadsheetError?

    func didStart(_ name: Substring, attributes: [String: String]) {}
    func didEnd(_ name: Substring) {}
    func foundText(_ text: String) {}

    /// Parses one part, named in messages as `part`.
    func parse(_ data: Data, part: String) throws(SpreadsheetError) {
        // Spreadsheet parts never need a DTD, and refusing one rules out entity-expansion bombs
        // whatever the XML library's own limits are.
        if data.range(of: Data("<!DOCTYPE".utf8)) != nil {
            throw .malformed("\(part) 含有不允许的文档类型声明（DTD）")
        }
        let parser = XMLParser(data: data)
        parser.delegate = self
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        let finished = parser.parse()
        if let failure { throw failure }
        // FoundationXML on Linux returns true for some broken documents (an unclosed
        // element, a second root) while still recording the error.
        if !finished || parser.parserError != nil { throw .malformed("\(part) 不是有效的 XML") }
    }

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        didStart(Self.localName(elementName), attributes: attributeDict)
        if failure != nil { parser.abortParsing() }
    }

    func parser(
        _ parser: XMLParser,
        didEndElement elementName: String,
        namespaceURI: String?,
        qualifiedName qName: String?
    ) {
        didEnd(Self.localName(elementName))
        if failure != nil { parser.abortParsing() }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        foundText(string)
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        foundText(String(decoding: CDATABlock, as: UTF8.self))
    }

    static func localName(_ name: String) -> Substring {
        guard let colon = name.lastIndex(of: ":") else { return name[...] }
        return name[name.index(after: colon)...]
    }
}

/// Reads a `.rels` part: which file each relationship id points to.
final class RelationshipsParser: XMLPartParser {
    struct Relationship {
        var id: String
        var type: String
        var target: String
        var isExternal: Bool
    }

    private(set) var relationships: [Relationship] = []

    override func didStart(_ name: Substring, attributes: [String: String]) {
        guard name == "Relationship", let id = attributes["Id"], let target = attributes["Target"] else { return }
        relationships.append(Relationship(
            id: id,
            type: attributes["Type"] ?? "",
            target: target,
            isExternal: attributes["TargetMode"] == "External"
        ))
    }
}

/// Reads `xl/workbook.xml`: the sheets in tab order.
final class WorkbookParser: XMLPartParser {
    struct SheetReference {
        var name: String
        var relationshipID: String?
        var isHidden: Bool
    }

    private(set) var sheets: [SheetReference] = []

    override func didStart(_ name: Substring, attributes: [String: String]) {
        guard name == "sheet" else { return }
        // The id is `r:id` in the relationships namespace; the prefix is the writer's choice.
        let relationshipID = attributes.first { $0.key.hasSuffix(":id") }?.value
        let state = attributes["state"]
        sheets.append(SheetReference(
            name: attributes["name"] ?? "",
            relationshipID: relationshipID,
            isHidden: state == "hidden" || state == "veryHidden"
        ))
    }
}

/// Reads `xl/sharedStrings.xml`, joining rich-text runs and skipping phonetic guides.
final class SharedStringsParser: XMLPartParser {
    private(set) var strings: [String] = []
    private var inItem = false
    private var inText = false
    private var phoneticDepth = 0
    private var buffer = ""

    override func didStart(_ name: Substring, attributes: [String: String]) {
        switch name {
        case "si":
            inItem = true
            buffer = ""
        case "rPh":
            phoneticDepth += 1
        case "t":
            inText = inItem && phoneticDepth == 0
        default:
            break
        }
    }

    override func didEnd(_ name: Substring) {
        switch name {
        case "si":
            strings.append(OOXMLText.decodeEscapes(buffer))
            inItem = false
        case "rPh":
            phoneticDepth -= 1
        case "t":
            inText = false
        default:
            break
        }
    }

    override func foundText(_ text: String) {
        if inText { buffer += text }
    }
}

/// Reads a worksheet part into rows, placing each cell by its reference.
final class WorksheetParser: XMLPartParser {
    private let sharedStrings: [String]
    private var grid: CellGrid
    private let limit: Int

    private var inSheetData = false
    private var rowIndex = -1
    private var columnIndex = -1

    private var inCell = false
    private var cellReference = ""
    private var cellType = "n"
    private var value = ""
    private var inlineText = ""
    private var inValue = false
    private var inInlineString = false
    private var inInlineText = false
    private var phoneticDepth = 0

    /// - Parameter limit: the byte limit; also caps the cells that gaps may create.
    init(sharedStrings: [String], limit: Int) {
        self.sharedStrings = sharedStrings
        self.grid = CellGrid(cellBudget: limit)
        self.limit = limit
    }

    var rows: [[String]] { grid.rows }

    override func didStart(_ name: Substring, attributes: [String: String]) {
        switch name {
        case "sheetData":
            inSheetData = true
        case "row" where inSheetData:
            if let number = attributes["r"] {
                guard let row = Int(number), (1...CellReference.maxRows).contains(row) else {
                    failure = .malformed("行号“\(number)”无效")
                    return
                }
                rowIndex = row - 1
            } else {
                rowIndex += 1
            }
            columnIndex = -1
        case "c" where inSheetData:
            startCell(attributes)
        case "v" where inCell:
            inValue = true
        case "is" where inCell:
            inInlineString = true
        case "rPh" where inInlineString:
            phoneticDepth += 1
        case "t" where inInlineString:
            inInlineText = phoneticDepth == 0
        default:
            break
        }
    }

    override func didEnd(_ name: Substring) {
        switch name {
        case "sheetData":
            inSheetData = false
        case "v":
            inValue = false
        case "is":
            inInlineString = false
        case "rPh" where inInlineString:
            phoneticDepth -= 1
        case "t":
            inInlineText = false
        case "c" where inCell:
            finishCell()
        default:
            break
        }
    }

    override func foundText(_ text: String) {
        if inValue {
            value += text
        } else if inInlineText {
            inlineText += text
        }
    }

    private func startCell(_ attributes: [String: String]) {
        // Without `r`, a cell follows the previous one; Excel always writes `r`, some
        // generators only when there is a gap.
        if let reference = attributes["r"] {
            guard let position = CellReference.parse(reference) else {
                failure = .malformed("单元格位置“\(reference)”无效")
                return
            }
            rowIndex = position.row
            columnIndex = position.column
            cellReference = reference
        } else {
            rowIndex = max(rowIndex, 0)
            columnIndex += 1
            guard columnIndex < CellReference.maxColumns else {
                failure = .malformed("第 \(rowIndex + 1) 行的列数超过 Excel 上限")
                return
            }
            cellReference = CellReference.name(row: rowIndex, column: columnIndex)
        }
        inCell = true
        cellType = attributes["t"] ?? "n"
        value = ""
        inlineText = ""
        phoneticDepth = 0
    }

    private func finishCell() {
        inCell = false
        inValue = false
        inInlineString = false
        inInlineText = false
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        let text: String
        switch cellType {
        case "s":
            guard !trimmed.isEmpty else { return }
            guard let index = Int(trimmed), sharedStrings.indices.contains(index) else {
                failure = .malformed("单元格 \(cellReference) 引用的共享字符串第 \(trimmed) 项不存在")
                return
            }
            text = sharedStrings[index]
        case "inlineStr":
            text = OOXMLText.decodeEscapes(inlineText)
        case "str":
            // A formula's text result: kept as written, spaces included.
            text = OOXMLText.decodeEscapes(value)
        case "b":
            text = trimmed == "1" ? "TRUE" : trimmed == "0" ? "FALSE" : trimmed
        default:
            // "n", "e", "d": the stored text, so 3 stays "3" and 0.1 is not reformatted.
            text = trimmed
        }
        guard !text.isEmpty else { return }
        if !grid.set(text, row: rowIndex, column: columnIndex) {
            failure = .tooLarge(limit: limit)
        }
    }
}

/// Rows that grow as cells are placed, with a cap on how many cells gaps may create.
struct CellGrid {
    private(set) var rows: [[String]] = []
    /// Every row and padded cell counts: one cell at XFD1048576 in a tiny file would
    /// otherwise make a million rows, and a column of them sixteen thousand cells each.
    private var cellsLeft: Int

    init(cellBudget: Int) {
        cellsLeft = cellBudget
    }

    /// Places a value; false when the budget ran out.
    mutating func set(_ value: String, row: Int, column: Int) -> Bool {
        if row >= rows.count {
            cellsLeft -= row + 1 - rows.count
            guard cellsLeft >= 0 else { return false }
            rows.append(contentsOf: repeatElement([], count: row + 1 - rows.count))
        }
        if column >= rows[row].count {
            cellsLeft -= column + 1 - rows[row].count
            guard cellsLeft >= 0 else { return false }
            rows[row].append(contentsOf: repeatElement("", count: column + 1 - rows[row].count))
        }
        rows[row][column] = value
        return true
    }
}

/// A1-style cell references.
enum CellReference {
    static let maxRows = 1_048_576
    static let maxColumns = 16_384

    /// Zero-based row and column of a reference like "A1" or "AB12"; nil when invalid.
    static func parse(_ reference: String) -> (row: Int, column: Int)? {
        var column = 0
        var row = 0
        var letters = 0
        var digits = 0
        for byte in reference.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                guard digits == 0, letters < 3 else { return nil }
                column = column * 26 + Int(byte & 0x1F)
                letters += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard letters > 0, digits < 7 else { return nil }
                row = row * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            default:
                return nil
            }
        }
        guard letters > 0, digits > 0, (1...maxColumns).contains(column), (1...maxRows).contains(row) else {
            return nil
        }
        return (row - 1, column - 1)
    }

    /// The A1 name of a zero-based position, for messages.
    static func name(row: Int, column: Int) -> String {
        var letters: [Character] = []
        var remainder = column + 1
        while remainder > 0 {
            let digit = (remainder - 1) % 26
            letters.insert(Character(Unicode.Scalar(UInt8(ascii: "A") + UInt8(digit))), at: 0)
            remainder = (remainder - 1) / 26
        }
        return String(letters) + String(row + 1)
    }
}

/// Text as OOXML stores it.
enum OOXMLText {
    /// Decodes `_xHHHH_` escapes, which Excel uses for characters XML cannot carry (a CR
    /// would be turned into LF by any XML parser) and `_x005F_` for a literal underscore.
    static func decodeEscapes(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "_", index + 6 < scalars.count, scalars[index + 1] == "x",
               scalars[index + 6] == "_", let decoded = hexScalar(scalars[(index + 2)...(index + 5)]) {
                result.append(decoded)
                index += 7
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return String(result)
    }

    private static func hexScalar(_ digits: ArraySlice<Unicode.Scalar>) -> Unicode.Scalar? {
        var value: UInt32 = 0
        for digit in digits {
            guard digit.isASCII, let nibble = UInt32(String(digit), radix: 16) else { return nil }
            value = value << 4 | nibble
        }
        return Unicode.Scalar(value)
    }
}

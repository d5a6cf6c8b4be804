import Foundation

/// Finds the sheet to read in an .xlsx package and reads it.
enum XLSXReader {
    /// Where Excel puts things; used when the relationship parts are missing or unhelpful.
    static let defaultWorkbookPath = "xl/workbook.xml"
    static let defaultSheetPath = "xl/worksheets/sheet1.xml"
    static let defaultSharedStringsPath = "xl/sharedStrings.xml"

    static func read(_ data: Data, limit: Int) throws(SpreadsheetError) -> Sheet {
        var package = try XLSXPackage(data: data, limit: limit)

        let workbookPath = try officeDocumentPath(in: &package) ?? defaultWorkbookPath
        var sheetName = "Sheet1"
        var sheetPath: String?
        var sharedStringsPath: String?
        let hasWorkbook: Bool

        if let workbookXML = try package.read(workbookPath) {
            hasWorkbook = true
            let workbook = WorkbookParser()
            try workbook.parse(workbookXML, part: workbookPath)
            let directory = directoryName(of: workbookPath)
            let relationships = try self.relationships(of: workbookPath, in: &package)
            var byID: [String: RelationshipsParser.Relationship] = [:]
            for relationship in relationships where byID[relationship.id] == nil {
                byID[relationship.id] = relationship
            }

            let worksheets = workbook.sheets.compactMap { sheet -> (name: String, path: String, isHidden: Bool)? in
                guard let id = sheet.relationshipID, let relationship = byID[id],
                      !relationship.isExternal, relationship.type.hasSuffix("/worksheet")
                else { return nil }
                let path = resolve(relationship.target, from: directory)
                return package.contains(path) ? (sheet.name, path, sheet.isHidden) : nil
            }
            if let chosen = worksheets.first(where: { !$0.isHidden }) ?? worksheets.first {
                sheetName = chosen.name
                sheetPath = chosen.path
            }
            sharedStringsPath = relationships
                .first { !$0.isExternal && $0.type.hasSuffix("/sharedStrings") }
                .map { resolve($0.target, from: directory) }
        } else {
            hasWorkbook = false
        }

        if sheetPath == nil, package.contains(defaultSheetPath) {
            sheetPath = defaultSheetPath
        }
        guard let sheetPath else {
            // A zip without a workbook is some other document (.docx, a photo archive...).
            throw hasWorkbook ? .malformed("工作簿中没有可读取的工作表") : .notASpreadsheet
        }

        var sharedStrings: [String] = []
        let stringsPath = sharedStringsPath.flatMap { package.contains($0) ? $0 : nil } ?? defaultSharedStringsPath
        if let stringsXML = try package.read(stringsPath) {
            let parser = SharedStringsParser()
            try parser.parse(stringsXML, part: stringsPath)
            sharedStrings = parser.strings
        }

        guard let sheetXML = try package.read(sheetPath) else {
            throw .malformed("找不到工作表 \(sheetPath)")
        }
        let worksheet = WorksheetParser(sharedStrings: sharedStrings, limit: limit)
        try worksheet.parse(sheetXML, part: sheetPath)
        return Sheet(normalizing: worksheet.rows, name: sheetName)
    }

    /// The workbook named by the package's root relationships, if any.
    private static func officeDocumentPath(in package: inout XLSXPackage) throws(SpreadsheetError) -> String? {
        try relationships(of: "", in: &package)
            .first { !$0.isExternal && $0.type.hasSuffix("/officeDocument") }
            .map { resolve($0.target, from: "") }
    }

    /// The relationships of a part ("" for the package itself), empty when it has none.
    private static func relationships(
        of part: String,
        in package: inout XLSXPackage
    ) throws(SpreadsheetError) -> [RelationshipsParser.Relationship] {
        let directory = directoryName(of: part)
        let fileName = part.split(separator: "/").last.map(String.init) ?? ""
        let path = (directory.isEmpty ? "" : directory + "/") + "_rels/" + fileName + ".rels"
        guard let xml = try package.read(path) else { return [] }
        let parser = RelationshipsParser()
        try parser.parse(xml, part: path)
        return parser.relationships
    }

    static func directoryName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// Resolves a relationship target against the source part's folder, as OPC defines it:
    /// "/x" is from the package root, "../x" goes up.
    static func resolve(_ target: String, from directory: String) -> String {
        let target = (target.removingPercentEncoding ?? target).replacingOccurrences(of: "\\", with: "/")
        let joined = target.hasPrefix("/") || directory.isEmpty ? target : directory + "/" + target
        var parts: [Substring] = []
        for part in joined.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }
}

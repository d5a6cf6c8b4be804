import Fluent
import Foundation
import Identity
import Spreadsheet
import Vapor
import YiwangKit
import YiwangPlatform

/// Exports (CSV, DCAT-AP JSON-LD) and spreadsheet imports.
enum CatalogExports {
    static func register(on routes: any RoutesBuilder) {
        routes.endpoint(.GET, CatalogPath.exportCSV.components, access: .anyone, kind: .api(.init("导出目录为 CSV（与导入模板同列，按可见范围过滤）", tag: "catalog", query: ["q", "class", "provider", "share_type", "format", "update_cycle", "division"], success: (200, "text/csv")))) { req async throws -> Response in
            let query = try CatalogAPI.searchQuery(from: req)
            let data = try await CatalogTransfer(database: req.db, platform: req.platform).exportCSV(query, viewer: CatalogViewer(req.principal()))
            let response = Response(status: .ok, body: .init(data: data))
            response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
            response.headers.contentDisposition = .init(.attachment, filename: "catalog.csv")
            return response
        }
        routes.endpoint(.POST, CatalogPath.imports.components, access: .roles([.departmentAdmin, .departmentStaff]), kind: .api(.init("导入目录模板（CSV 或 xlsx，逐行校验；mode=keep_valid 保留有效行，all_or_nothing 全部有效才保存）", tag: "catalog", body: .json(schema: "Object"), query: ["mode"])), body: .collect(maxSize: "10mb")) { req async throws -> Response in
            guard let mode = CatalogTransfer.Mode(rawValue: req.query[String.self, at: "mode"] ?? "keep_valid") else {
                throw CatalogError.invalid([.init(field: "mode", code: "unknown-mode", message: "mode 应为 keep_valid 或 all_or_nothing。")])
            }
            let data = try uploadedFile(req)
            let report = try await CatalogTransfer(database: req.db, platform: req.platform).importTemplate(data, mode: mode, by: req.requirePrincipal())
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let response = Response(status: report.isSaved || report.rejected.isEmpty ? .ok : .unprocessableEntity, body: .init(data: try encoder.encode(report)))
            response.headers.contentType = .json
            return response
        }
        routes.endpoint(.GET, CatalogPath.dcat.components, access: .anyone, kind: .api(.init("DCAT-AP 3 JSON-LD（分页，modified_since 增量收割）", tag: "catalog", query: ["page", "per_page", "modified_since"], success: (200, "application/ld+json")))) { req async throws -> Response in
            try await dcat(req)
        }
    }

    /// The file from a multipart form (`file` field) or the raw body.
    static func uploadedFile(_ req: Request) throws -> Data {
        struct Upload: Content { var file: File }
        if req.headers.contentType?.type == "multipart" {
            guard let upload = try? req.content.decode(Upload.self) else {
                throw CatalogError.invalid([.init(field: "file", code: "required", message: "请在表单字段 file 中上传文件。")])
            }
            return Data(buffer: upload.file.data)
        }
        guard let body = req.body.data, body.readableBytes > 0 else {
            throw CatalogError.invalid([.init(field: "file", code: "required", message: "请上传 CSV 或 xlsx 文件。")])
        }
        return Data(buffer: body)
    }

    /// EU frequency vocabulary for the update cycles.
    static let frequencies = [
        "realtime": "CONT", "daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "quarterly": "QUARTERLY", "yearly": "ANNUAL",
    ]

    static func dcat(_ req: Request) async throws -> Response {
        let base = req.platform.configuration.publicURL
        let page = min(max(1, req.query[Int.self, at: "page"] ?? 1), 100_000)
        let perPage = min(max(1, req.query[Int.self, at: "per_page"] ?? 100), 1000)
        var since: Date?
        if let raw = req.query[String.self, at: "modified_since"], !raw.isEmpty {
            let formatter = ISO8601DateFormatter()
            since = formatter.date(from: raw) ?? Day(iso: raw)?.start()
            if since == nil { throw CatalogError.invalid([.init(field: "modified_since", code: "invalid-date", message: "modified_since 应为 ISO 8601 时间或 YYYY-MM-DD。")]) }
        }
        let viewer = CatalogViewer(try await req.principal())
        let result = try await SearchIndex.search(CatalogQuery(modifiedSince: since, offset: (page - 1) * perPage, limit: perPage, sort: .modified, facets: []), viewer: viewer, on: req.db)
        let formatter = ISO8601DateFormatter()
        var datasets: [[String: Any]] = []
        for entry in result.entries {
            guard let metadata = try? JSONDecoder().decode(EntryMetadata.self, from: Data(entry.document.utf8)) else { continue }
            let access = metadata.isOpen ? "PUBLIC" : metadata.shareType == 3 ? "NON_PUBLIC" : "RESTRICTED"
            let mounts = try await Mount.query(on: req.db).filter(\.$entry.$id == entry.id!).all()
            datasets.append([
                "@id": base + CatalogPath.entryPage(entry.id!), "@type": "dcat:Dataset",
                "dct:identifier": entry.code,
                "dct:title": ["@language": "zh", "@value": entry.name],
                "dct:description": ["@language": "zh", "@value": metadata.abstract],
                "dct:publisher": ["@type": "foaf:Organization", "foaf:name": entry.providerName],
                "dct:issued": ["@type": "xsd:dateTime", "@value": formatter.string(from: entry.publishedAt)],
                "dct:modified": ["@type": "xsd:dateTime", "@value": formatter.string(from: entry.modifiedAt)],
                "dcat:keyword": metadata.keywords,
                "dcat:theme": ["@id": base + "/api/catalog/classes#" + entry.classCode],
                "dct:accrualPeriodicity": ["@id": "http://publications.europa.eu/resource/authority/frequency/" + (frequencies[metadata.updateCycle] ?? "UNKNOWN")],
                "dct:accessRights": ["@id": "http://publications.europa.eu/resource/authority/access-right/" + access],
                "dct:spatial": ["@id": "https://www.stats.gov.cn/division/" + entry.divisionCode],
                "owl:versionInfo": String(entry.version),
                "dcat:distribution": mounts.map { mount -> [String: Any] in
                    [
                        "@type": "dcat:Distribution", "dct:title": mount.kind.rawValue,
                        "dcat:accessURL": ["@id": viewer == .government ? mount.target : base + CatalogPath.entryPage(entry.id!)],
                        "dct:format": mount.kind == .api ? "API" : mount.kind == .table ? "TABLE" : "FILE",
                    ]
                },
            ])
        }
        var view: [String: Any] = ["@id": base + "/catalog.jsonld?page=\(page)", "@type": "hydra:PartialCollectionView", "hydra:totalItems": result.total]
        if page * perPage < result.total { view["hydra:next"] = base + "/catalog.jsonld?page=\(page + 1)&per_page=\(perPage)" + (since.map { "&modified_since=" + formatter.string(from: $0) } ?? "") }
        let document: [String: Any] = [
            "@context": [
                "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
                "xsd": "http://www.w3.org/2001/XMLSchema#", "owl": "http://www.w3.org/2002/07/owl#", "hydra": "http://www.w3.org/ns/hydra/core#",
            ],
            "@id": base + "/catalog.jsonld", "@type": "dcat:Catalog",
            "dct:title": ["@language": "zh", "@value": "邵阳市政务信息资源目录"],
            "dct:publisher": ["@type": "foaf:Organization", "foaf:name": "邵阳市数据局"],
            "dcat:dataset": datasets,
            "hydra:view": view,
        ]
        let response = Response(status: .ok, body: .init(data: try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "ld+json", parameters: ["charset": "utf-8"])
        return response
    }
}

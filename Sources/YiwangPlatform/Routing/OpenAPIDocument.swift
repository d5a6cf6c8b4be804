import Foundation
import Vapor

/// Builds the OpenAPI 3.1 document from the route table, so the document cannot drift from the routes.
public enum OpenAPIDocument {
    public static func make(from routes: [Route], serverURL: String) -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for route in routes {
            guard case .api(let operation)? = route.kind else { continue }
            let path = openAPIPath(route.path)
            var entry: [String: Any] = [
                "summary": operation.summary,
                "tags": [operation.tag],
                "operationId": operationID(route),
                "x-access": route.accessRule?.description ?? "undeclared",
            ]
            var parameters: [[String: Any]] = route.path.compactMap { component in
                guard case .parameter(let name) = component else { return nil }
                return ["name": name, "in": "path", "required": true, "schema": ["type": "string"]]
            }
            parameters += operation.query.map { ["name": $0, "in": "query", "required": false, "schema": ["type": "string"]] }
            if !parameters.isEmpty { entry["parameters"] = parameters }
            switch operation.body {
            case .none: break
            case .json(let schema):
                entry["requestBody"] = ["required": true, "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(schema)"]]]]
            case .form(let fields):
                entry["requestBody"] = [
                    "required": true,
                    "content": ["application/x-www-form-urlencoded": ["schema": [
                        "type": "object",
                        "properties": Dictionary(uniqueKeysWithValues: fields.map { ($0, ["type": "string"]) }),
                    ]]],
                ]
            }
            entry["responses"] = [
                String(operation.success.status): ["description": "成功", "content": [operation.success.mediaType: ["schema": ["type": "object"]]]],
                "default": ["description": "错误（RFC 9457）", "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]],
            ]
            if let security = security(for: route.accessRule) { entry["security"] = security }
            paths[path, default: [:]][route.method.rawValue.lowercased()] = entry
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": "Yiwang 一网 API", "version": "1.0.0", "description": "邵阳市一网统管数字政府平台接口"],
            "servers": [["url": serverURL]],
            "paths": paths,
            "components": [
                "schemas": schemas,
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"],
                    "session": ["type": "apiKey", "in": "cookie", "name": "yiwang_session"],
                    "clientBasic": ["type": "http", "scheme": "basic"],
                ],
            ],
        ]
    }

    /// `/oidc/clients/:id` becomes `/oidc/clients/{id}`.
    public static func openAPIPath(_ components: [PathComponent]) -> String {
        "/" + components.map { component -> String in
            switch component {
            case .constant(let value): return value
            case .parameter(let name): return "{\(name)}"
            case .anything: return "{any}"
            case .catchall: return "{path}"
            }
        }.joined(separator: "/")
    }

    static func operationID(_ route: Route) -> String {
        let words = route.path.map { component -> String in
            switch component {
            case .constant(let value): return value
            case .parameter(let name): return "by-" + name
            default: return "any"
            }
        }
        return ([route.method.rawValue.lowercased()] + words).joined(separator: "_")
            .replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_")
    }

    static func security(for rule: AccessRule?) -> [[String: [String]]]? {
        switch rule {
        case .anyone?, nil: return nil
        case .signedIn?, .roles?: return [["session": []], ["bearer": []]]
        case .scope(let scope)?: return [["bearer": [scope]]]
        }
    }

    static var schemas: [String: Any] { [
        "Problem": [
            "type": "object",
            "required": ["type", "title", "status"],
            "properties": [
                "type": ["type": "string", "format": "uri"],
                "title": ["type": "string"],
                "status": ["type": "integer"],
                "detail": ["type": "string"],
                "instance": ["type": "string"],
                "errors": ["type": "array", "items": [
                    "type": "object",
                    "properties": ["field": ["type": "string"], "code": ["type": "string"], "message": ["type": "string"]],
                ]],
            ],
        ],
        "Object": ["type": "object"],
    ] }
}

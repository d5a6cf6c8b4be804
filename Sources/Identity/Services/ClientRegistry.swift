import Fluent
import Foundation
import Vapor
import YiwangKit
import YiwangPlatform

/// 接入应用登记 — registers relying parties and department systems.
enum ClientRegistry {
    static let knownGrantTypes: Set<String> = ["authorization_code", "refresh_token", "client_credentials"]

    static func register(_ body: ClientRegistration, actor: String, platform: Platform, on database: any Database) async throws -> ClientCreated {
        var errors: [Problem.FieldError] = []
        let clientID = body.clientID.trimmingCharacters(in: .whitespaces)
        if clientID.count < 3 || clientID.count > 64 || !clientID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) {
            errors.append(.init(field: "clientID", code: "invalid-client-id", message: "应用标识为 3–64 位字母、数字或 . _ -。"))
        }
        if body.name.trimmingCharacters(in: .whitespaces).isEmpty {
            errors.append(.init(field: "name", code: "required", message: "请填写应用名称。"))
        }
        let grantTypes = Set(body.grantTypes ?? ["authorization_code", "refresh_token"])
        if !grantTypes.isSubset(of: knownGrantTypes) || grantTypes.isEmpty {
            errors.append(.init(field: "grantTypes", code: "unknown-grant-type", message: "授权类型只能是 authorization_code、refresh_token、client_credentials。"))
        }
        for (index, uri) in (body.redirectURIs + (body.postLogoutRedirectURIs ?? [])).enumerated() where !isAcceptableRedirect(uri) {
            errors.append(.init(field: "redirectURIs[\(index)]", code: "invalid-redirect-uri", message: "回调地址须为完整的 https 地址（本机调试可用 http://127.0.0.1 或 localhost），且不含 #。"))
        }
        if grantTypes.contains("authorization_code"), body.redirectURIs.isEmpty {
            errors.append(.init(field: "redirectURIs", code: "required", message: "使用授权码流程的应用至少需要一个回调地址。"))
        }
        let isPublic = body.isPublic ?? false
        if isPublic, grantTypes.contains("client_credentials") {
            errors.append(.init(field: "isPublic", code: "public-client-credentials", message: "公开客户端不能使用客户端凭证。"))
        }
        let scopes = body.scopes.isEmpty ? ["openid", "profile"] : body.scopes
        for scope in scopes where scope.isEmpty || scope.contains(" ") || scope.count > 64 {
            errors.append(.init(field: "scopes", code: "invalid-scope", message: "授权范围不能为空或含空格。"))
        }
        if !errors.isEmpty { throw Problem.invalid(errors) }
        if try await OIDCClient.find(clientID, on: database) != nil { throw IdentityError.duplicate("应用标识 \(clientID) ") }
        if let departmentID = body.departmentID, try await Department.find(departmentID, on: database) == nil { throw IdentityError.unknownDepartment }

        let secret = isPublic ? nil : platform.secrets.token(bytes: 32)
        let client = OIDCClient()
        client.id = clientID
        client.name = body.name
        client.secretHash = try secret.map { try Bcrypt.hash($0, cost: 10) }
        client.redirectURIsField = body.redirectURIs.joined(separator: " ")
        client.postLogoutRedirectURIsField = (body.postLogoutRedirectURIs ?? []).joined(separator: " ")
        client.scopesField = scopes.joined(separator: " ")
        client.grantTypesField = grantTypes.sorted().joined(separator: " ")
        client.isFirstParty = body.isFirstParty ?? false
        client.isDisabled = false
        client.$department.id = body.departmentID
        let now = platform.clock.now()
        try await database.transaction { db in
            try await client.create(on: db)
            try await AuditLog.append(
                AuditEntry(actor: actor, action: "oidc.client.register", target: "client:\(clientID)", detail: ["grant_types": client.grantTypesField, "scopes": client.scopesField]),
                at: now, on: db)
        }
        return ClientCreated(clientID: clientID, clientSecret: secret, redirectURIs: body.redirectURIs, scopes: scopes, grantTypes: grantTypes.sorted())
    }

    static func isAcceptableRedirect(_ uri: String) -> Bool {
        guard let url = URLComponents(string: uri), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty, url.fragment == nil else { return false }
        if scheme == "https" { return true }
        return scheme == "http" && ["127.0.0.1", "localhost", "[::1]", "::1"].contains(host.lowercased())
    }
}

/// The public face of client registration for the CLI and the composition.
public enum Clients {
    public struct Created: Sendable, Codable {
        public var clientID: String
        public var clientSecret: String?
    }

    /// Stops or restarts a client, e.g. when its system is disabled or retired; no new tokens are issued to it.
    public static func setDisabled(_ id: String, _ disabled: Bool, on database: any Database) async throws {
        try await OIDCClient.query(on: database).filter(\.$id == id).set(\.$isDisabled, to: disabled).update()
    }

    public static func register(
        id: String, name: String, redirectURIs: [String], postLogoutRedirectURIs: [String] = [], scopes: [String],
        grantTypes: [String], isPublic: Bool = false, isFirstParty: Bool = false, departmentID: UUID? = nil,
        actor: String, platform: Platform, on database: any Database
    ) async throws -> Created {
        let created = try await ClientRegistry.register(
            ClientRegistration(clientID: id, name: name, redirectURIs: redirectURIs, postLogoutRedirectURIs: postLogoutRedirectURIs, scopes: scopes, grantTypes: grantTypes, isPublic: isPublic, isFirstParty: isFirstParty, departmentID: departmentID),
            actor: actor, platform: platform, on: database)
        return Created(clientID: created.clientID, clientSecret: created.clientSecret)
    }
}

import Foundation
import NIOConcurrencyHelpers
import Testing
import VaporTesting

/// A cookie-keeping client over the in-memory tester, enough to drive pages like a browser would.
final class Browser: @unchecked Sendable {
    let app: Application
    private let jar = NIOLockedValueBox<[String: String]>([:])

    init(app: Application) { self.app = app }

    var cookies: [String: String] { jar.withLockedValue { $0 } }

    func cookie(_ name: String) -> String? { cookies[name] }

    func setCookie(_ name: String, _ value: String?) { jar.withLockedValue { $0[name] = value } }

    @discardableResult
    func request(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil, contentType: HTTPMediaType? = nil) async throws -> TestingHTTPResponse {
        var headers = headers
        let cookieHeader = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        if !cookieHeader.isEmpty { headers.replaceOrAdd(name: .cookie, value: cookieHeader) }
        if let contentType { headers.contentType = contentType }
        // As our pages' scripts would: API calls with the session carry the CSRF token.
        if let token = cookie("yiwang_csrf"), !headers.contains(name: "X-CSRF-Token") { headers.replaceOrAdd(name: "X-CSRF-Token", value: token) }
        if !headers.contains(name: .accept) { headers.replaceOrAdd(name: .accept, value: "text/html") }
        let response = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        for header in response.headers[.setCookie] {
            let pair = header.split(separator: ";", maxSplits: 1)[0]
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            let expired = header.lowercased().contains("max-age=0") || parts[1].isEmpty
            setCookie(parts[0], expired ? nil : parts[1])
        }
        return response
    }

    func get(_ path: String, accept: String = "text/html") async throws -> TestingHTTPResponse {
        try await request(.GET, path, headers: ["Accept": accept])
    }

    /// Fetches `page` (for its CSRF cookie and token) and posts the form with the token added.
    @discardableResult
    func submit(_ path: String, from page: String? = nil, fields: [String: String], withToken: Bool = true) async throws -> TestingHTTPResponse {
        var fields = fields
        if withToken {
            if cookie("yiwang_csrf") == nil { _ = try await get(page ?? "/login") }
            fields["csrf_token"] = cookie("yiwang_csrf")
        }
        return try await request(.POST, path, body: ByteBuffer(string: formEncode(fields)), contentType: .urlEncodedForm)
    }

    func json(_ method: HTTPMethod, _ path: String, _ object: [String: String], bearer: String? = nil) async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if let bearer { headers.replaceOrAdd(name: .authorization, value: "Bearer \(bearer)") }
        let data = try JSONSerialization.data(withJSONObject: object)
        return try await request(method, path, headers: headers, body: ByteBuffer(data: data), contentType: .json)
    }

    func api(_ path: String, bearer: String? = nil) async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if let bearer { headers.replaceOrAdd(name: .authorization, value: "Bearer \(bearer)") }
        return try await request(.GET, path, headers: headers)
    }

    /// Signs in through the login form.
    @discardableResult
    func signIn(_ login: String, _ password: String, totp: String? = nil) async throws -> TestingHTTPResponse {
        var fields = ["login": login, "password": password, "return_to": "/"]
        if let totp { fields["totp"] = totp }
        return try await submit("/login", fields: fields)
    }
}

func formEncode(_ fields: [String: String]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return fields.sorted { $0.key < $1.key }.map {
        "\($0.key.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
    }.joined(separator: "&")
}

extension TestingHTTPResponse {
    var text: String { body.getString(at: body.readerIndex, length: body.readableBytes) ?? "" }

    var jsonObject: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    var location: String? { headers.first(name: .location) }

    var problemType: String? { jsonObject["type"] as? String }

    /// The value of a hidden or text input named `name` in an HTML page.
    func inputValue(_ name: String) -> String? {
        let pattern = "name=\"\(name)\" value=\"([^\"]*)\""
        guard let range = text.range(of: pattern, options: .regularExpression) else { return nil }
        let match = String(text[range])
        let value = match.replacingOccurrences(of: "name=\"\(name)\" value=\"", with: "").dropLast()
        return String(value).replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
    }
}

func queryItems(of url: String) -> [String: String] {
    var result: [String: String] = [:]
    for item in URLComponents(string: url)?.queryItems ?? [] { result[item.name] = item.value }
    return result
}

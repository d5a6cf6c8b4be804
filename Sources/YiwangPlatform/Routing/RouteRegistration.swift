import Vapor

/// What a route serves: a page for people, or an API operation listed in `/openapi.json`.
public enum RouteKind: Sendable {
    case page
    case api(APIOperation)
}

/// The OpenAPI description of one API operation.
public struct APIOperation: Sendable {
    public enum Body: Sendable {
        case none
        case json(schema: String)
        case form(fields: [String])
    }

    public var summary: String
    public var tag: String
    public var body: Body
    public var query: [String]
    /// Status of the success response and its media type.
    public var success: (status: Int, mediaType: String)

    public init(_ summary: String, tag: String, body: Body = .none, query: [String] = [], success: (status: Int, mediaType: String) = (200, "application/json")) {
        self.summary = summary
        self.tag = tag
        self.body = body
        self.query = query
        self.success = success
    }
}

enum RouteInfoKey {
    static let access = "yiwang.access"
    static let kind = "yiwang.kind"
}

extension Route {
    /// The route's declared access rule, if it was registered through `endpoint`.
    public var accessRule: AccessRule? { userInfo[RouteInfoKey.access] as? AccessRule }
    public var kind: RouteKind? { userInfo[RouteInfoKey.kind] as? RouteKind }
}

extension RoutesBuilder {
    /// Registers a route with its access rule and kind; the only way parts add routes.
    @discardableResult
    public func endpoint<Response: AsyncResponseEncodable>(
        _ method: HTTPMethod,
        _ path: [PathComponent],
        access: AccessRule,
        kind: RouteKind,
        body: HTTPBodyStreamStrategy = .collect,
        acceptsCrossSitePosts: Bool = false,
        use handler: @escaping @Sendable (Request) async throws -> Response
    ) -> Route {
        var middleware: [any Middleware] = [AccessMiddleware(rule: access, kind: kind)]
        if case .page = kind, method != .GET, method != .HEAD, !acceptsCrossSitePosts {
            middleware.insert(CSRFMiddleware(), at: 0)
        }
        let route = grouped(middleware).on(method, path, body: body, use: handler)
        route.userInfo[RouteInfoKey.access] = access
        route.userInfo[RouteInfoKey.kind] = kind
        return route
    }
}

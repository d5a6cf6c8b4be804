import Foundation
import Vapor
import YiwangKit

/// A domain error that knows its RFC 9457 problem. HTTP status is chosen here, at the edge.
public protocol ProblemConvertible: Error {
    var problem: Problem { get }
}

extension Problem: ProblemConvertible {
    public var problem: Problem { self }
}

extension Problem {
    /// A 422 problem listing the fields that failed validation.
    public static func invalid(_ errors: [Problem.FieldError], detail: String = "提交的内容有误，请按提示修改。") -> Problem {
        Problem(slug: "validation-failed", title: "输入有误", status: 422, detail: detail, errors: errors)
    }

    /// What a page shows for this problem: each field's message, or else the detail.
    public var pageMessages: [String] {
        if let errors, !errors.isEmpty { return errors.map(\.message) }
        return [detail ?? title]
    }

    public static func notFound(_ what: String) -> Problem {
        Problem(slug: "not-found", title: "未找到", status: 404, detail: "\(what)不存在。")
    }
}

extension IdentifierError {
    /// The field error for `field` that this identifier error means.
    public func fieldError(_ field: String) -> Problem.FieldError {
        Problem.FieldError(field: field, code: code, message: message)
    }
}

/// Turns every error into a problem document for API callers or a plain Chinese page for people.
public struct ProblemMiddleware: AsyncMiddleware {
    public typealias PageRenderer = @Sendable (Request, Problem) async throws -> Response

    let renderPage: PageRenderer

    public init(renderPage: @escaping PageRenderer) {
        self.renderPage = renderPage
    }

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let problem = Self.problem(for: error, request: request)
            if problem.status >= 500 {
                request.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            } else {
                request.logger.info("request refused", metadata: ["problem": .string(problem.type), "status": .stringConvertible(problem.status)])
            }
            if Self.wantsPage(request) {
                if let response = try? await renderPage(request, problem) {
                    response.status = HTTPResponseStatus(statusCode: problem.status)
                    return response
                }
            }
            return Self.response(for: problem, request: request)
        }
    }

    /// Page routes and browsers asking for HTML get pages; everything else gets problem JSON.
    static func wantsPage(_ request: Request) -> Bool {
        if let kind = request.route?.kind {
            if case .page = kind { return true }
            return false
        }
        return request.headers.accept.contains { $0.mediaType.type == "text" && $0.mediaType.subType == "html" }
    }

    public static func response(for problem: Problem, request: Request) -> Response {
        var problem = problem
        problem.instance = problem.instance ?? request.url.path
        let response = Response(status: HTTPResponseStatus(statusCode: problem.status))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        response.headers.contentType = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
        response.body = .init(data: (try? encoder.encode(problem)) ?? Data())
        if problem.status == 401 {
            response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer realm=\"yiwang\"")
        }
        return response
    }

    public static func problem(for error: any Error, request: Request) -> Problem {
        switch error {
        case let convertible as any ProblemConvertible:
            return convertible.problem
        case let error as IdentifierError:
            return .invalid([error.fieldError("value")])
        case let error as DecodingError:
            return Problem(slug: "malformed-body", title: "请求格式错误", status: 400, detail: describe(error))
        case let abort as any AbortError:
            switch abort.status {
            case .notFound:
                return Problem(slug: "not-found", title: "未找到", status: 404, detail: "请求的地址不存在。")
            case .payloadTooLarge:
                return Problem(slug: "body-too-large", title: "请求体过大", status: 413, detail: "请求体超过了允许的大小。")
            case .unsupportedMediaType:
                return Problem(slug: "unsupported-media-type", title: "不支持的内容类型", status: 415, detail: abort.reason)
            case .methodNotAllowed:
                return Problem(slug: "method-not-allowed", title: "不支持的请求方法", status: 405, detail: abort.reason)
            default:
                let status = Int(abort.status.code)
                return Problem(slug: status >= 500 ? "internal" : "bad-request", title: status >= 500 ? "服务器内部错误" : "请求有误", status: status, detail: status >= 500 ? "请稍后再试。" : abort.reason)
            }
        default:
            return Problem(slug: "internal", title: "服务器内部错误", status: 500, detail: "服务暂时出现问题，请稍后再试。请求编号：\(request.id)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): return "缺少字段 \(key.stringValue)。"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "字段 \(path.isEmpty ? "(根)" : path) 的类型不正确。"
        case .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "请求体不是合法的 JSON 或表单。" : "字段 \(path) 的值无法识别。"
        @unknown default: return "请求体无法解析。"
        }
    }
}

/// 问题详情 — an RFC 9457 problem details object, the body of every error response.
public struct Problem: Error, Codable, Sendable, Equatable {
    /// One invalid input field, so a form can show the message next to it.
    public struct FieldError: Codable, Sendable, Equatable {
        /// The field's name or JSON pointer, as the client sent it.
        public var field: String
        /// Stable machine-readable code, e.g. "bad-check-character".
        public var code: String
        /// Plain Chinese message for the citizen.
        public var message: String

        /// Creates a field error.
        public init(field: String, code: String, message: String) {
            self.field = field
            self.code = code
            self.message = message
        }
    }

    /// Media type for problem responses.
    public static let mediaType = "application/problem+json"

    /// URI identifying the problem type.
    public var type: String
    /// Short, human-readable summary that does not change between occurrences.
    public var title: String
    /// HTTP status code.
    public var status: Int
    /// Explanation specific to this occurrence.
    public var detail: String?
    /// URI identifying this occurrence.
    public var instance: String?
    /// Per-field validation errors (an extension member).
    public var errors: [FieldError]?

    /// Creates a problem whose type is `typeURI(slug)`.
    public init(
        slug: String,
        title: String,
        status: Int,
        detail: String? = nil,
        instance: String? = nil,
        errors: [FieldError]? = nil
    ) {
        self.type = Problem.typeURI(slug)
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.errors = errors
    }

    /// The platform's type URI for a problem slug.
    public static func typeURI(_ slug: String) -> String {
        "https://yiwang.shaoyang.gov.cn/problems/\(slug)"
    }

    private enum CodingKeys: String, CodingKey {
        case type, title, status, detail, instance, errors
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // RFC 9457 §3.1.1: an absent type means "about:blank".
        self.type = try container.decodeIfPresent(String.self, forKey: .type) ?? "about:blank"
        self.title = try container.decode(String.self, forKey: .title)
        self.status = try container.decode(Int.self, forKey: .status)
        self.detail = try container.decodeIfPresent(String.self, forKey: .detail)
        self.instance = try container.decodeIfPresent(String.self, forKey: .instance)
        self.errors = try container.decodeIfPresent([FieldError].self, forKey: .errors)
    }
}

extension Problem.FieldError {
    /// A field error carrying an identifier error's code and message.
    public init(field: String, error: IdentifierError) {
        self.init(field: field, code: error.code, message: error.message)
    }
}

import Fluent
import Foundation
import YiwangPlatform

/// 账号 — one person's account: a citizen, an enterprise's representative, or staff.
public final class Account: Model, @unchecked Sendable {
    public static let schema = "accounts"

    @ID(key: .id) public var id: UUID?
    @OptionalParent(key: "department_id") public var department: Department?

    /// What the person types to sign in: the mobile number for citizens, a work login for staff.
    @Field(key: "login") public var login: String
    @OptionalField(key: "phone") public var phone: String?
    @Field(key: "password_hash") public var passwordHash: String
    @Field(key: "display_name") public var displayName: String
    /// Comma-separated `Role` raw values.
    @Field(key: "roles") public var rolesField: String
    /// 实名等级 0–3 (see `AssuranceLevel`).
    @Field(key: "assurance_level") public var assuranceLevel: Int
    @OptionalField(key: "verified_name") public var verifiedName: String?
    @OptionalField(key: "citizen_id") public var citizenID: String?
    @OptionalField(key: "verified_by") public var verifiedBy: String?
    @OptionalField(key: "verified_at") public var verifiedAt: Date?
    @OptionalField(key: "phone_confirmed_at") public var phoneConfirmedAt: Date?
    /// Base32 TOTP secret of staff who use a second factor.
    @OptionalField(key: "totp_secret") public var totpSecret: String?
    @Field(key: "is_disabled") public var isDisabled: Bool
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, login: String, phone: String?, passwordHash: String, displayName: String, roles: Set<Role>, departmentID: UUID? = nil) {
        self.id = id
        self.login = login
        self.phone = phone
        self.passwordHash = passwordHash
        self.displayName = displayName
        self.rolesField = Account.encode(roles)
        self.assuranceLevel = AssuranceLevel.none.rawValue
        self.$department.id = departmentID
        self.isDisabled = false
    }

    public var roles: Set<Role> {
        get { Set(rolesField.split(separator: ",").compactMap { Role(rawValue: String($0)) }) }
        set { rolesField = Account.encode(newValue) }
    }

    public var level: AssuranceLevel { AssuranceLevel(rawValue: assuranceLevel) ?? .none }

    static func encode(_ roles: Set<Role>) -> String { roles.map(\.rawValue).sorted().joined(separator: ",") }
}

/// 实名等级 — how sure the platform is that an account belongs to the person it names.
public enum AssuranceLevel: Int, Codable, Sendable, Comparable, CaseIterable {
    case none = 0
    /// L1: the mobile number is confirmed by an SMS code.
    case phoneConfirmed = 1
    /// L2: name and ID number verified against an authority.
    case identityVerified = 2
    /// L3: verified in person or by face, recorded by staff.
    case verifiedInPerson = 3

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The OIDC `acr` value for this level.
    public var acr: String { "urn:yiwang:loa:\(rawValue)" }
    public var label: String { "L\(rawValue)" }

    public init?(acr: String) {
        let value = acr.hasPrefix("urn:yiwang:loa:") ? String(acr.dropFirst("urn:yiwang:loa:".count)) : acr.replacingOccurrences(of: "L", with: "")
        guard let number = Int(value), let level = AssuranceLevel(rawValue: number) else { return nil }
        self = level
    }
}

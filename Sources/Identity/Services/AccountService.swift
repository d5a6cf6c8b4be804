import Fluent
import SQLKit
import Foundation
import Vapor
import YiwangKit
import YiwangPlatform

/// 账号服务 — registration, sign-in, password reset and real-name verification.
public struct AccountService: Sendable {
    public enum CodePurpose: String, Sendable, CaseIterable {
        case register
        case resetPassword = "reset_password"
    }

    let database: any Database
    let platform: Platform
    let services: IdentityServices

    public init(database: any Database, platform: Platform, services: IdentityServices) {
        self.database = database
        self.platform = platform
        self.services = services
    }

    static let codeLifetime: TimeInterval = 5 * 60
    static let codeResendInterval: TimeInterval = 60
    static let codeMaxAttempts = 5

    var now: Date { platform.clock.now() }

    // MARK: SMS codes

    /// Sends a one-time code. For password reset an unknown number gets no code but the same answer,
    /// so the endpoint does not tell who is registered.
    public func sendCode(to rawPhone: String?, purpose: CodePurpose, sourceAddress: String) async throws {
        var validator = FieldValidator()
        let phone = validator.mobile(rawPhone)
        try validator.check()
        guard let phone else { return }
        let now = self.now
        if let last = try await SMSChallenge.query(on: database).filter(\.$phone == phone.value)
            .filter(\.$purpose == purpose.rawValue).sort(\.$createdAt, .descending).first(),
            now.timeIntervalSince(last.createdAt) < Self.codeResendInterval
        {
            throw IdentityError.smsRateLimited
        }
        let registered = try await Account.query(on: database).filter(\.$login == phone.value).first() != nil
        if purpose == .register, registered { throw IdentityError.phoneAlreadyRegistered }
        if purpose == .resetPassword, !registered { return }
        let code = platform.secrets.numericCode(digits: 6)
        try await database.transaction { db in
            let challenge = SMSChallenge()
            challenge.phone = phone.value
            challenge.purpose = purpose.rawValue
            challenge.codeHash = digest(phone.value + ":" + code)
            challenge.createdAt = now
            challenge.expiresAt = now + Self.codeLifetime
            challenge.attempts = 0
            try await challenge.create(on: db)
            let body = purpose == .register
                ? "【我的邵阳】您的注册验证码为 \(code)，5 分钟内有效。请勿告诉他人。"
                : "【我的邵阳】您正在重置密码，验证码为 \(code)，5 分钟内有效。如非本人操作请忽略。"
            try await services.sms.send(to: phone, body: body, at: now, on: db)
            try await AuditLog.append(
                AuditEntry(actor: "anonymous", action: "sms.code.send", target: "phone:\(phone.masked)", sourceAddress: sourceAddress, detail: ["purpose": purpose.rawValue]),
                at: now, on: db)
        }
    }

    /// Checks a code before any transaction opens, so a wrong guess always counts; returns the
    /// challenge to consume. Each code works once, within its lifetime, for a bounded number of guesses.
    func verifyCode(_ code: String, phone: MobileNumber, purpose: CodePurpose) async throws -> UUID {
        guard let challenge = try await SMSChallenge.query(on: database).filter(\.$phone == phone.value)
            .filter(\.$purpose == purpose.rawValue).sort(\.$createdAt, .descending).first()
        else { throw IdentityError.smsCodeInvalid }
        guard challenge.consumedAt == nil, challenge.attempts < Self.codeMaxAttempts else { throw IdentityError.smsCodeInvalid }
        guard challenge.expiresAt > now else { throw IdentityError.smsCodeExpired }
        guard challenge.codeHash == digest(phone.value + ":" + code) else {
            challenge.attempts += 1
            try await challenge.save(on: database)
            throw IdentityError.smsCodeInvalid
        }
        return try challenge.requireID()
    }

    /// Marks a verified challenge used, inside the caller's transaction; of two concurrent uses only one wins.
    func consume(_ challengeID: UUID, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { throw IdentityError.smsCodeInvalid }
        let rows = try await sql.raw("UPDATE sms_challenges SET consumed_at = \(bind: now) WHERE id = \(bind: challengeID) AND consumed_at IS NULL RETURNING id").all()
        if rows.isEmpty { throw IdentityError.smsCodeInvalid }
    }

    // MARK: Registration

    /// Creates a citizen account at L1 from a confirmed mobile number.
    public func registerCitizen(phone rawPhone: String?, code rawCode: String?, password rawPassword: String?, sourceAddress: String) async throws -> Account {
        var validator = FieldValidator()
        let phone = validator.mobile(rawPhone)
        let code = validator.code(rawCode)
        let password = validator.newPassword(rawPassword)
        try validator.check()
        guard let phone, let code, let password else { throw IdentityError.invalidFields([]) }
        if try await Account.query(on: database).filter(\.$login == phone.value).first() != nil {
            throw IdentityError.phoneAlreadyRegistered
        }
        let challengeID = try await verifyCode(code, phone: phone, purpose: .register)
        let hash = try Bcrypt.hash(password, cost: services.passwordCost)
        let now = self.now
        return try await database.transaction { db in
            try await consume(challengeID, on: db)
            let account = Account(login: phone.value, phone: phone.value, passwordHash: hash, displayName: phone.masked, roles: [.citizen])
            account.assuranceLevel = AssuranceLevel.phoneConfirmed.rawValue
            account.phoneConfirmedAt = now
            try await account.create(on: db)
            try await AuditLog.append(
                AuditEntry(actor: "account:\(account.id!.uuidString.lowercased())", action: "account.register", target: "account:\(account.id!.uuidString.lowercased())", sourceAddress: sourceAddress, detail: ["phone": phone.masked, "level": "L1"]),
                at: now, on: db)
            return account
        }
    }

    /// Sets a new password after a reset code; ends the person's other sessions and refresh tokens.
    public func resetPassword(phone rawPhone: String?, code rawCode: String?, password rawPassword: String?, sourceAddress: String) async throws {
        var validator = FieldValidator()
        let phone = validator.mobile(rawPhone)
        let code = validator.code(rawCode)
        let password = validator.newPassword(rawPassword)
        try validator.check()
        guard let phone, let code, let password else { return }
        let challengeID = try await verifyCode(code, phone: phone, purpose: .resetPassword)
        let hash = try Bcrypt.hash(password, cost: services.passwordCost)
        let now = self.now
        try await database.transaction { db in
            try await consume(challengeID, on: db)
            guard let account = try await Account.query(on: db).filter(\.$login == phone.value).first() else { throw IdentityError.smsCodeInvalid }
            account.passwordHash = hash
            try await account.save(on: db)
            let accountID = try account.requireID()
            try await WebSession.query(on: db).filter(\.$account.$id == accountID).filter(\.$endedAt == nil).set(\.$endedAt, to: now).update()
            try await RefreshToken.query(on: db).filter(\.$account.$id == accountID).filter(\.$revokedAt == nil).set(\.$revokedAt, to: now).update()
            try await SignInThrottle.query(on: db).filter(\.$id == throttleKey(phone.value)).delete()
            try await AuditLog.append(
                AuditEntry(actor: "account:\(accountID.uuidString.lowercased())", action: "account.password.reset", target: "account:\(accountID.uuidString.lowercased())", sourceAddress: sourceAddress),
                at: now, on: db)
        }
    }

    // MARK: Sign-in

    /// Checks login and password (and the TOTP code for staff who have one). Failures count per
    /// login name whether or not it exists, and the answer never says which.
    public func authenticate(login rawLogin: String?, password: String?, totp: String?, sourceAddress: String) async throws -> Account {
        let login = normalizedLogin(rawLogin ?? "")
        guard !login.isEmpty, let password, !password.isEmpty else {
            throw IdentityError.invalidFields([.init(field: "login", code: "required", message: "请输入账号和密码。")])
        }
        let now = self.now
        let key = throttleKey(login)
        let throttle = try await SignInThrottle.find(key, on: database)
        if let lockedUntil = throttle?.lockedUntil, lockedUntil > now { throw IdentityError.locked }
        let account = try await Account.query(on: database).filter(\.$login == login).first()
        let passwordMatches: Bool
        if let account {
            passwordMatches = try Bcrypt.verify(password, created: account.passwordHash)
        } else {
            // Spend the same bcrypt work for unknown names, so timing does not reveal them either.
            _ = try Bcrypt.hash(password, cost: services.passwordCost)
            passwordMatches = false
        }
        guard let account, passwordMatches, !account.isDisabled else {
            try await recordFailure(key: key, existing: throttle, login: login, sourceAddress: sourceAddress)
            throw IdentityError.wrongCredentials
        }
        if let secret = account.totpSecret {
            guard let totp, !totp.isEmpty else { throw IdentityError.secondFactorRequired }
            guard TOTPCheck.accepts(code: totp, secret: secret, at: now) else {
                try await recordFailure(key: key, existing: throttle, login: login, sourceAddress: sourceAddress)
                throw IdentityError.secondFactorInvalid
            }
        }
        if throttle != nil { try await throttle?.delete(on: database) }
        return account
    }

    private func recordFailure(key: String, existing: SignInThrottle?, login: String, sourceAddress: String) async throws {
        let now = self.now
        let throttle = existing ?? SignInThrottle()
        if existing == nil { throttle.id = key; throttle.failures = 0 }
        if let lockedUntil = throttle.lockedUntil, lockedUntil <= now {
            throttle.failures = 0
            throttle.lockedUntil = nil
        }
        throttle.failures += 1
        throttle.updatedAt = now
        if throttle.failures >= platform.configuration.maxFailedSignIns {
            throttle.lockedUntil = now + platform.configuration.lockoutDuration
        }
        try await database.transaction { db in
            try await throttle.save(on: db)
            try await AuditLog.append(
                AuditEntry(actor: "anonymous", action: throttle.lockedUntil == nil ? "signin.fail" : "signin.lock", target: "login:\(maskLogin(login))", sourceAddress: sourceAddress, detail: ["failures": String(throttle.failures)]),
                at: now, on: db)
        }
    }

    func throttleKey(_ login: String) -> String { digest("signin:" + login) }

    func normalizedLogin(_ raw: String) -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        if let phone = try? MobileNumber(trimmed) { return phone.value }
        return trimmed.lowercased()
    }

    func maskLogin(_ login: String) -> String {
        (try? MobileNumber(login))?.masked ?? login
    }

    // MARK: Real name

    /// L2: confirms name and ID number with the authority and records them on the account.
    public func verifyIdentity(of account: Account, name rawName: String?, citizenID rawID: String?, sourceAddress: String) async throws {
        var validator = FieldValidator()
        let name = validator.text(rawName, field: "name", label: "姓名", maxLength: 30)
        let citizenID = validator.citizenID(rawID, today: Day(now))
        try validator.check()
        guard let name, let citizenID else { return }
        let accountID = try account.requireID()
        if let other = try await Account.query(on: database).filter(\.$citizenID == citizenID.value).filter(\.$id != accountID).first(), other.id != nil {
            throw IdentityError.duplicate("使用该身份证号码实名的账号")
        }
        guard try await services.authority.confirms(name: name, citizenID: citizenID, on: database) else {
            try await AuditLog.append(
                AuditEntry(actor: "account:\(accountID.uuidString.lowercased())", action: "realname.verify.fail", target: "account:\(accountID.uuidString.lowercased())", sourceAddress: sourceAddress, detail: ["citizen_id": citizenID.masked]),
                at: now, on: database)
            throw IdentityError.identityNotVerified
        }
        let now = self.now
        try await database.transaction { db in
            account.verifiedName = name
            account.citizenID = citizenID.value
            account.displayName = Masking.name(name)
            account.assuranceLevel = max(account.assuranceLevel, AssuranceLevel.identityVerified.rawValue)
            account.verifiedBy = "authority"
            account.verifiedAt = now
            try await account.save(on: db)
            try await AuditLog.append(
                AuditEntry(actor: "account:\(accountID.uuidString.lowercased())", action: "realname.verify", target: "account:\(accountID.uuidString.lowercased())", sourceAddress: sourceAddress, detail: ["citizen_id": citizenID.masked, "level": "L2"]),
                at: now, on: db)
        }
    }

    /// L3: staff record that they saw the person and the ID card in person.
    public func recordInPersonVerification(of accountID: UUID, by staff: Principal, sourceAddress: String) async throws -> Account {
        guard let account = try await Account.find(accountID, on: database) else { throw IdentityError.unknownAccount }
        guard account.roles.contains(.citizen), account.roles.isDisjoint(with: Role.staff) else { throw AccessError.forbidden }
        guard account.level >= .identityVerified else { throw IdentityError.identityNotVerified }
        let now = self.now
        try await database.transaction { db in
            account.assuranceLevel = AssuranceLevel.verifiedInPerson.rawValue
            account.verifiedBy = staff.auditActor
            account.verifiedAt = now
            try await account.save(on: db)
            try await AuditLog.append(
                AuditEntry(actor: staff.auditActor, action: "realname.verify.in_person", target: "account:\(accountID.uuidString.lowercased())", sourceAddress: sourceAddress, detail: ["level": "L3"]),
                at: now, on: db)
        }
        return account
    }

    // MARK: Second factor

    /// Turns on TOTP for an account once the person proves their authenticator shows the right code.
    public func enrolSecondFactor(for account: Account, secret: String, code: String, session: WebSession?, sourceAddress: String) async throws {
        guard account.totpSecret == nil else { throw IdentityError.duplicate("动态口令") }
        guard secret.count == 32, TOTPCheck.accepts(code: code, secret: secret, at: now) else { throw IdentityError.secondFactorInvalid }
        let now = self.now
        try await database.transaction { db in
            account.totpSecret = secret
            try await account.save(on: db)
            if let session {
                session.hasSecondFactor = true
                try await session.save(on: db)
            }
            try await AuditLog.append(
                AuditEntry(actor: "account:\(account.id!.uuidString.lowercased())", action: "account.totp.enrol", target: "account:\(account.id!.uuidString.lowercased())", sourceAddress: sourceAddress),
                at: now, on: db)
        }
    }

    // MARK: Staff

    /// Creates a staff account in a department; administrators get a TOTP secret, returned once.
    public func createStaff(login rawLogin: String, displayName: String, password: String, roles: Set<Role>, departmentID: UUID?, phone: String?, actor: String) async throws -> (account: Account, totpSecret: String?) {
        var validator = FieldValidator()
        let name = validator.text(displayName, field: "display_name", label: "姓名")
        let password = validator.newPassword(password)
        let login = rawLogin.trimmingCharacters(in: .whitespaces).lowercased()
        if login.count < 3 || login.count > 64 || !login.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) {
            validator.errors.append(.init(field: "login", code: "invalid-login", message: "登录名为 3–64 位字母、数字或 . _ -。"))
        }
        let mobile = phone.flatMap { $0.isEmpty ? nil : validator.mobile($0) }
        try validator.check()
        guard let name, let password else { throw IdentityError.invalidFields([]) }
        if let departmentID, try await Department.find(departmentID, on: database) == nil { throw IdentityError.unknownDepartment }
        if try await Account.query(on: database).filter(\.$login == login).first() != nil { throw IdentityError.duplicate("登录名") }
        let hash = try Bcrypt.hash(password, cost: services.passwordCost)
        let secret: String? = roles.contains(.platformAdmin) || roles.contains(.departmentAdmin) ? TOTPCheck.makeSecret(using: platform.secrets) : nil
        let account = Account(login: login, phone: mobile?.value, passwordHash: hash, displayName: name, roles: roles, departmentID: departmentID)
        account.totpSecret = secret
        let now = self.now
        try await database.transaction { db in
            try await account.create(on: db)
            try await AuditLog.append(
                AuditEntry(actor: actor, action: "account.staff.create", target: "account:\(account.id!.uuidString.lowercased())", detail: ["roles": Account.encode(roles), "login": login]),
                at: now, on: db)
        }
        return (account, secret)
    }
}


import Fluent
import Foundation
import Identity
import Logging
import Vapor
import YiwangKit
import YiwangPlatform

/// 演示城市 — the demo Shaoyang: real divisions and department names, synthetic but valid people.
/// Loaded only by `serve --demo` or `demo load`; never otherwise.
public enum DemoCity {
    /// One demo sign-in, as `yiwang demo accounts` prints it and the README lists it.
    public struct DemoAccount: Sendable, Codable {
        public var role: String
        public var login: String
        public var password: String
        public var level: String
        public var totpSecret: String?
        public var note: String
    }

    /// Fixed so the README can document it; demo data only.
    static let demoTOTPSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

    public static let accounts: [DemoAccount] = [
        .init(role: "platform_admin", login: "admin", password: "yiwang-admin-2026", level: "-", totpSecret: demoTOTPSecret, note: "平台管理员（邵阳市数据局），需动态口令"),
        .init(role: "department_admin", login: "xzsp.admin", password: "yiwang-staff-2026", level: "-", totpSecret: demoTOTPSecret, note: "邵阳市行政审批服务局 部门管理员，需动态口令"),
        .init(role: "department_staff", login: "xzsp.staff", password: "yiwang-staff-2026", level: "-", totpSecret: nil, note: "邵阳市行政审批服务局 窗口工作人员"),
        .init(role: "auditor", login: "auditor", password: "yiwang-audit-2026", level: "-", totpSecret: nil, note: "审计员（只读审计日志）"),
        .init(role: "citizen", login: "13800000001", password: "yiwang-citizen-2026", level: "L1", totpSecret: nil, note: "市民，手机已验证"),
        .init(role: "citizen", login: "13800000002", password: "yiwang-citizen-2026", level: "L2", totpSecret: nil, note: "市民 李*，身份已核验"),
        .init(role: "citizen", login: "13800000003", password: "yiwang-citizen-2026", level: "L3", totpSecret: nil, note: "市民 欧阳**，现场核验"),
        .init(role: "enterprise", login: "13800000004", password: "yiwang-citizen-2026", level: "L2", totpSecret: nil, note: "邵阳湘林农业发展有限公司 法定代表人"),
    ]

    /// A person in the reference registry whom a demo citizen can verify as (L2) on the verification page.
    public static let verifiablePerson = (name: "王小明", birth: Day(year: 1990, month: 5, day: 12)!, division: "430502", sequence: 121)

    static let demoClient = (id: "demo-media-app", secret: "demo-media-secret-2026", redirect: "http://127.0.0.1:8765/callback")

    struct DivisionRow: Decodable { var code: String; var name: String; var level: String; var parent: String?; var validFrom: String?; var validTo: String? }
    struct DepartmentRow: Decodable { var name: String; var short: String; var level: String; var division: String; var parent: String?; var kind: String }

    /// Whether the demo city is in this database.
    public static func isLoaded(on database: any Database) async throws -> Bool {
        try await AuditRecord.query(on: database).filter(\.$action == "demo.load").first() != nil
    }

    public static func load(on database: any Database, platform: Platform, identity: IdentityServices, logger: Logger) async throws {
        if try await isLoaded(on: database) {
            logger.info("demo city already loaded")
            return
        }
        let directory = Bundle.module.bundlePath + "/Resources/demo"
        let divisions = try JSONDecoder().decode([DivisionRow].self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/divisions.json")))
        let departments = try JSONDecoder().decode([DepartmentRow].self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/departments.json")))
        let now = platform.clock.now()
        let cost = identity.passwordCost
        try await database.transaction { db in
            for row in divisions {
                _ = try DivisionCode(row.code)
                try await Division(code: row.code, name: row.name, level: row.level, parentCode: row.parent, validFrom: row.validFrom, validTo: row.validTo).create(on: db)
            }
            var ids: [String: UUID] = [:]
            // Parents first, so every parent id exists when its children are created.
            let ordered = departments.filter { $0.parent == nil } + departments.filter { $0.parent != nil }
            for (index, row) in ordered.enumerated() {
                let department = Department(
                    name: row.name, shortName: row.short, creditCode: creditCode(for: row, index: index).value,
                    level: row.level, kind: row.kind, divisionCode: row.division, parentID: row.parent.flatMap { ids[$0] })
                try await department.create(on: db)
                ids[row.name] = department.id
            }
            let approvalBureau = ids["邵阳市行政审批服务局"]
            let dataBureau = ids["邵阳市数据局"]
            let roleByName: [String: Set<Role>] = [
                "platform_admin": [.platformAdmin], "department_admin": [.departmentAdmin, .departmentStaff],
                "department_staff": [.departmentStaff], "auditor": [.auditor], "citizen": [.citizen], "enterprise": [.citizen, .enterprise],
            ]
            let people = [
                (login: "13800000002", name: "李娜", birth: Day(year: 1985, month: 3, day: 8)!, division: "430503"),
                (login: "13800000003", name: "欧阳娜娜", birth: Day(year: 1992, month: 11, day: 20)!, division: "430582"),
                (login: "13800000004", name: "陈建国", birth: Day(year: 1978, month: 7, day: 1)!, division: "430521"),
            ]
            for demo in accounts {
                let roles = roleByName[demo.role] ?? []
                let isPerson = roles.contains(.citizen)
                let department = demo.role == "platform_admin" ? dataBureau : (roles.isDisjoint(with: Role.staff) ? nil : approvalBureau)
                let account = Account(
                    login: demo.login, phone: isPerson ? demo.login : nil, passwordHash: try Bcrypt.hash(demo.password, cost: cost),
                    displayName: isPerson ? (try MobileNumber(demo.login)).masked : demo.note.components(separatedBy: "（").first ?? demo.login,
                    roles: roles, departmentID: department)
                account.totpSecret = demo.totpSecret
                if isPerson {
                    account.assuranceLevel = AssuranceLevel.phoneConfirmed.rawValue
                    account.phoneConfirmedAt = now
                }
                if let person = people.first(where: { $0.login == demo.login }) {
                    let id = CitizenID.make(division: person.division, birthDate: person.birth, sequence: 300 + people.firstIndex { $0.login == demo.login }! * 2)
                    account.verifiedName = person.name
                    account.citizenID = id.value
                    account.displayName = Masking.name(person.name)
                    account.assuranceLevel = demo.level == "L3" ? 3 : 2
                    account.verifiedBy = demo.level == "L3" ? "demo:in-person" : "authority"
                    account.verifiedAt = now
                    try await ReferencePerson(citizenID: id.value, name: person.name).create(on: db)
                }
                try await account.create(on: db)
                if demo.role == "enterprise" {
                    let code = CreditCode.make(authority: "9", type: "1", division: "430503", subject: "MA4L0XY12")
                    try await Enterprise(name: "邵阳湘林农业发展有限公司", creditCode: code.value, legalPersonName: "陈建国", representativeID: account.id!).create(on: db)
                }
            }
            // A sample of the population registry, so L2 verification works in the demo.
            let verifiable = CitizenID.make(division: verifiablePerson.division, birthDate: verifiablePerson.birth, sequence: verifiablePerson.sequence)
            try await ReferencePerson(citizenID: verifiable.value, name: verifiablePerson.name).create(on: db)
            var generator = SplitMix64(seed: 430500)
            let counties = divisions.filter { $0.level == "county" && $0.validTo == nil }.map(\.code)
            for index in 0..<200 {
                let birth = Day(year: 1950 + Int(generator.next() % 55), month: 1 + Int(generator.next() % 12), day: 1 + Int(generator.next() % 28))!
                let id = CitizenID.make(division: counties[index % counties.count], birthDate: birth, sequence: Int(generator.next() % 999))
                if try await ReferencePerson.find(id.value, on: db) == nil {
                    try await ReferencePerson(citizenID: id.value, name: syntheticName(&generator)).create(on: db)
                }
            }
            try await AuditLog.append(
                AuditEntry(actor: "cli:demo", action: "demo.load", target: "city:430500", detail: ["divisions": String(divisions.count), "departments": String(departments.count), "accounts": String(accounts.count)]),
                at: now, on: db)
        }
        _ = try await Clients.register(
            id: demoClient.id, name: "邵阳新闻 App（演示）", redirectURIs: [demoClient.redirect], postLogoutRedirectURIs: ["http://127.0.0.1:8765/"],
            scopes: ["openid", "profile", "phone", "realname", "offline_access"], grantTypes: ["authorization_code", "refresh_token"],
            actor: "cli:demo", platform: platform, on: database)
        try await fixDemoClientSecret(on: database)
        logger.info("demo city loaded", metadata: ["divisions": .stringConvertible(divisions.count), "departments": .stringConvertible(departments.count)])
    }

    /// The demo client gets a documented secret instead of a random one; demo data only.
    static func fixDemoClientSecret(on database: any Database) async throws {
        guard let client = try await OIDCClient.find(demoClient.id, on: database) else { return }
        client.secretHash = try Bcrypt.hash(demoClient.secret, cost: 10)
        try await client.save(on: database)
    }

    /// The current code for the demo administrators' documented secret.
    public static func currentDemoTOTP(at date: Date) -> String {
        let bytes = [UInt8](decodingBase32: demoTOTPSecret) ?? []
        return TOTP(key: SymmetricKey(data: bytes), digest: .sha1, digits: .six, interval: 30).generate(time: date)
    }

    public static var demoClientDescription: (id: String, secret: String, redirect: String) { demoClient }

    /// Government bodies register with the staffing authority (1): organs 1, public institutions 2, mass organisations 3.
    static func creditCode(for row: DepartmentRow, index: Int) -> CreditCode {
        let type: Character = switch row.kind {
        case "centre", "institution": "2"
        case "association": "3"
        default: "1"
        }
        let subject = String(format: "%09d", 6_805_000 + index * 7)
        return CreditCode.make(authority: "1", type: type, division: row.division, subject: subject)
    }

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹")
    static let givenCharacters = Array("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华建国志红玉兰文斌宇浩")

    static func syntheticName(_ generator: inout SplitMix64) -> String {
        let surname = surnames[Int(generator.next() % UInt64(surnames.count))]
        let length = 1 + Int(generator.next() % 2)
        return String(surname) + String((0..<length).map { _ in givenCharacters[Int(generator.next() % UInt64(givenCharacters.count))] })
    }
}

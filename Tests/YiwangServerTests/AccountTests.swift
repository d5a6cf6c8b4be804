import Fluent
import Foundation
import Testing
import VaporTesting
import YiwangKit
import YiwangPlatform

@testable import Identity
@testable import YiwangServer

@Suite("Accounts: registration, sign-in, real name")
struct AccountTests {
    @Test func citizenRegistersWithAnSMSCodeAndReachesL1() async throws {
        try await withHarness { h in
            let browser = h.browser()
            // given a code sent to the phone's outbox
            let sent = try await browser.json(.POST, "/api/identity/sms-codes", ["phone": "139-1234-0001"])
            #expect(sent.status == .accepted)
            let message = try #require(try await SMSOutboxMessage.query(on: h.db).first())
            #expect(message.phone == "13912340001")
            #expect(message.body.contains("777777"))
            // when the citizen registers with it
            let created = try await browser.json(.POST, "/api/identity/accounts", ["phone": "13912340001", "code": "777777", "password": "citizen-2026"])
            // then the account exists at L1 with its phone masked in the answer
            #expect(created.status == .created)
            #expect(created.jsonObject["assuranceLevel"] as? Int == 1)
            #expect(created.jsonObject["phone"] as? String == "139****0001")
            let account = try #require(try await Account.query(on: h.db).filter(\.$login == "13912340001").first())
            #expect(account.passwordHash.hasPrefix("$2"))
            #expect(try await AuditRecord.query(on: h.db).filter(\.$action == "account.register").count() == 1)
        }
    }

    @Test func aCodeWorksOnceAndNotAfterItExpires() async throws {
        try await withHarness { h in
            let browser = h.browser()
            _ = try await browser.json(.POST, "/api/identity/sms-codes", ["phone": "13912340001"])
            h.clock.advance(by: 6 * 60)
            let expired = try await browser.json(.POST, "/api/identity/accounts", ["phone": "13912340001", "code": "777777", "password": "citizen-2026"])
            #expect(expired.status == .unprocessableEntity)
            #expect(expired.problemType == Problem.typeURI("sms-code-expired"))
            #expect(try await h.count(Account.self) == 0)

            _ = try await browser.json(.POST, "/api/identity/sms-codes", ["phone": "13912340001"])
            let first = try await browser.json(.POST, "/api/identity/accounts", ["phone": "13912340001", "code": "777777", "password": "citizen-2026"])
            #expect(first.status == .created)
            // a reused code on another attempt (here: a reset) is refused
            let reused = try await browser.json(.POST, "/api/identity/password-resets", ["phone": "13912340001", "code": "777777", "password": "another-2026"])
            #expect(reused.status == .unprocessableEntity)
            #expect(reused.problemType == Problem.typeURI("sms-code-invalid"))
        }
    }

    @Test func wrongCodesCountAndFiveOfThemSpendTheCode() async throws {
        try await withHarness { h in
            let browser = h.browser()
            _ = try await browser.json(.POST, "/api/identity/sms-codes", ["phone": "13912340001"])
            for _ in 0..<5 {
                let wrong = try await browser.json(.POST, "/api/identity/accounts", ["phone": "13912340001", "code": "123456", "password": "citizen-2026"])
                #expect(wrong.status == .unprocessableEntity)
                #expect(wrong.problemType == Problem.typeURI("sms-code-invalid"))
            }
            let challenge = try #require(try await SMSChallenge.query(on: h.db).first())
            #expect(challenge.attempts == 5)
            // the right code no longer works after five wrong guesses
            let right = try await browser.json(.POST, "/api/identity/accounts", ["phone": "13912340001", "code": "777777", "password": "citizen-2026"])
            #expect(right.status == .unprocessableEntity)
            #expect(try await h.count(Account.self) == 0)
        }
    }

    @Test func badRegistrationInputGetsFieldErrorsAndWritesNothing() async throws {
        try await withHarness { h in
            let browser = h.browser()
            let badPhone = try await browser.json(.POST, "/api/identity/sms-codes", ["phone": "2345"])
            #expect(badPhone.status == .unprocessableEntity)
            let errors = badPhone.jsonObject["errors"] as? [[String: String]] ?? []
            #expect(errors.first?["field"] == "phone")
            let weak = try await browser.json(.POST, "/api/identity/accounts", ["phone": "13912340001", "code": "12", "password": "short"])
            #expect(weak.status == .unprocessableEntity)
            let fields = Set((weak.jsonObject["errors"] as? [[String: String]] ?? []).compactMap { $0["field"] })
            #expect(fields == ["code", "password"])
            let wrongCode = try await browser.json(.POST, "/api/identity/accounts", ["phone": "13912340001", "code": "123456", "password": "citizen-2026"])
            #expect(wrongCode.status == .unprocessableEntity)
            #expect(try await h.count(Account.self) == 0)
            let purpose = try await browser.json(.POST, "/api/identity/sms-codes", ["phone": "13912340001", "purpose": "hack"])
            #expect(purpose.status == .unprocessableEntity)
        }
    }

    @Test func aRegisteredPhoneCannotRegisterAgainAndCodesAreRateLimited() async throws {
        try await withHarness { h in
            try await h.registerCitizen(phone: "13912340001")
            let again = try await h.browser().json(.POST, "/api/identity/sms-codes", ["phone": "13912340001"])
            #expect(again.status == .conflict)
            _ = try await h.browser().json(.POST, "/api/identity/sms-codes", ["phone": "13912340002"])
            let tooSoon = try await h.browser().json(.POST, "/api/identity/sms-codes", ["phone": "13912340002"])
            #expect(tooSoon.status == .tooManyRequests)
        }
    }

    @Test func wrongPasswordAndUnknownAccountLookTheSame() async throws {
        try await withHarness { h in
            try await h.registerCitizen(phone: "13912340001", password: "citizen-2026")
            let wrong = try await h.browser().signIn("13912340001", "not-the-password1")
            let unknown = try await h.browser().signIn("13912349999", "not-the-password1")
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrong.text.contains("账号或密码错误"))
            #expect(unknown.text.contains("账号或密码错误"))
        }
    }

    @Test func repeatedFailuresLockWithoutRevealingWhetherTheAccountExists() async throws {
        try await withHarness { h in
            try await h.registerCitizen(phone: "13912340001", password: "citizen-2026")
            for login in ["13912340001", "13912349999"] {
                for _ in 0..<5 { try await h.browser().signIn(login, "wrong-password1") }
                // then even the right password is refused while locked, the same for both
                let locked = try await h.browser().signIn(login, "citizen-2026")
                #expect(locked.status == .tooManyRequests)
                #expect(locked.text.contains("登录失败次数过多"))
            }
            // and the lock ends after its duration
            h.clock.advance(by: 16 * 60)
            let after = try await h.browser().signIn("13912340001", "citizen-2026")
            #expect(after.status == .seeOther)
        }
    }

    @Test func administratorsNeedTheirSecondFactor() async throws {
        try await withHarness { h in
            let (_, secret) = try await h.createStaff(login: "root", roles: [.platformAdmin])
            let totpSecret = try #require(secret)
            let withoutCode = try await h.browser().signIn("root", "staff-pass-2026")
            #expect(withoutCode.status == .unauthorized)
            #expect(withoutCode.text.contains("动态口令"))
            let wrongCode = try await h.browser().signIn("root", "staff-pass-2026", totp: "000000")
            #expect(wrongCode.status == .unauthorized)
            let browser = h.browser()
            let good = try await browser.signIn("root", "staff-pass-2026", totp: h.currentTOTP(totpSecret))
            #expect(good.status == .seeOther)
            #expect(try await browser.get("/console/clients").status == .ok)
        }
    }

    @Test func sessionsEndAfterIdleAndAbsoluteTimeouts() async throws {
        try await withHarness { h in
            try await h.registerCitizen(phone: "13912340001", password: "citizen-2026")
            let browser = h.browser()
            try await browser.signIn("13912340001", "citizen-2026")
            #expect(try await browser.api("/api/identity/me").status == .ok)
            h.clock.advance(by: 31 * 60)
            #expect(try await browser.api("/api/identity/me").status == .unauthorized)

            let busy = h.browser()
            try await busy.signIn("13912340001", "citizen-2026")
            for _ in 0..<26 {
                h.clock.advance(by: 29 * 60)
                _ = try await busy.api("/api/identity/me")
            }
            // 12.5 hours of steady use: past the absolute timeout
            #expect(try await busy.api("/api/identity/me").status == .unauthorized)
        }
    }

    @Test func signOutEndsTheSession() async throws {
        try await withHarness { h in
            try await h.registerCitizen(phone: "13912340001", password: "citizen-2026")
            let browser = h.browser()
            try await browser.signIn("13912340001", "citizen-2026")
            let out = try await browser.submit("/logout", fields: [:])
            #expect(out.status == .seeOther)
            #expect(try await browser.api("/api/identity/me").status == .unauthorized)
        }
    }

    @Test func passwordResetWorksAndEndsOtherSessions() async throws {
        try await withHarness { h in
            try await h.registerCitizen(phone: "13912340001", password: "citizen-2026")
            let other = h.browser()
            try await other.signIn("13912340001", "citizen-2026")
            let browser = h.browser()
            let forgot = try await browser.submit("/password/forgot", from: "/password/forgot", fields: ["phone": "13912340001"])
            #expect(forgot.status == .ok)
            #expect(forgot.text.contains("验证码"))
            let reset = try await browser.submit("/password/reset", fields: ["phone": "13912340001", "code": "777777", "password": "renewed-2026"])
            #expect(reset.status == .ok)
            #expect(try await other.api("/api/identity/me").status == .unauthorized)
            #expect(try await h.browser().signIn("13912340001", "renewed-2026").status == .seeOther)
            // an unregistered number gets the same answer and no message
            let before = try await h.count(SMSOutboxMessage.self)
            let unknown = try await h.browser().json(.POST, "/api/identity/sms-codes", ["phone": "13912349999", "purpose": "reset_password"])
            #expect(unknown.status == .accepted)
            #expect(try await h.count(SMSOutboxMessage.self) == before)
        }
    }

    @Test func identityVerificationRaisesToL2AndStaffRecordL3() async throws {
        try await withHarness { h in
            // given a person the authority knows
            let id = CitizenID.make(division: "430521", birthDate: Day(year: 1988, month: 2, day: 29)!, sequence: 17)
            try await ReferencePerson(citizenID: id.value, name: "欧阳娜娜").create(on: h.db)
            try await h.registerCitizen(phone: "13912340001", password: "citizen-2026")
            let citizen = h.browser()
            try await citizen.signIn("13912340001", "citizen-2026")
            // a wrong name is refused and nothing changes
            let mismatch = try await citizen.json(.POST, "/api/identity/me/verification", ["name": "欧阳丽丽", "citizenID": id.value])
            #expect(mismatch.status == .unprocessableEntity)
            #expect(mismatch.problemType == Problem.typeURI("identity-not-verified"))
            // a wrong check digit is a field error
            var broken = Array(id.value)
            broken[17] = broken[17] == "1" ? "2" : "1"
            let badDigit = try await citizen.json(.POST, "/api/identity/me/verification", ["name": "欧阳娜娜", "citizenID": String(broken)])
            #expect((badDigit.jsonObject["errors"] as? [[String: String]])?.first?["code"] == "bad-check-character")
            // when name and number match (the retired 邵东县 code still counts)
            let verified = try await citizen.json(.POST, "/api/identity/me/verification", ["name": "欧阳娜娜", "citizenID": id.value.lowercased()])
            #expect(verified.status == .ok)
            #expect(verified.jsonObject["assuranceLevel"] as? Int == 2)
            #expect(verified.jsonObject["displayName"] as? String == "欧阳**")
            #expect(verified.jsonObject["citizenID"] as? String == Masking.idNumber(id.value))
            // then window staff can record an in-person check
            try await h.createStaff(login: "window1", roles: [.departmentStaff])
            let staff = h.browser()
            try await staff.signIn("window1", "staff-pass-2026")
            let account = try #require(try await Account.query(on: h.db).filter(\.$login == "13912340001").first())
            let list = try await staff.get("/console/accounts?q=13912340001")
            #expect(list.text.contains("139****0001"))
            #expect(!list.text.contains("<td class=\"mono\">13912340001"))
            let recorded = try await staff.submit("/console/accounts/\(account.id!.uuidString.lowercased())/in-person", fields: [:])
            #expect(recorded.status == .ok)
            let reloaded = try #require(try await Account.find(account.id, on: h.db))
            #expect(reloaded.assuranceLevel == 3)
            // and a citizen cannot
            let denied = try await citizen.submit("/console/accounts/\(account.id!.uuidString.lowercased())/in-person", fields: [:])
            #expect(denied.status == .forbidden)
        }
    }
}

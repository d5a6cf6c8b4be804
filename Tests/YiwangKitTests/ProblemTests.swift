import Foundation
import Testing
@testable import YiwangKit

@Suite struct ProblemTests {
    @Test func typeURIIsUnderThePlatformDomain() {
        #expect(Problem.typeURI("validation") == "https://yiwang.shaoyang.gov.cn/problems/validation")
        #expect(Problem(slug: "not-found", title: "未找到", status: 404).type
            == "https://yiwang.shaoyang.gov.cn/problems/not-found")
    }

    @Test func mediaTypeIsProblemJSON() {
        #expect(Problem.mediaType == "application/problem+json")
    }

    @Test func encodingOmitsAbsentMembers() throws {
        // given
        let problem = Problem(slug: "not-found", title: "未找到", status: 404)
        // when
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(problem), as: UTF8.self)
        // then
        #expect(json == #"{"status":404,"title":"未找到","type":"https://yiwang.shaoyang.gov.cn/problems/not-found"}"#)
    }

    @Test func roundTripsWithFieldErrors() throws {
        // given
        let problem = Problem(
            slug: "validation",
            title: "请求内容有误",
            status: 422,
            detail: "有 1 项内容需要修改。",
            instance: "/api/v1/applications",
            errors: [.init(field: "idNumber", code: "bad-check-character", message: "校验位不正确，应为 X。请核对号码。")]
        )
        // when
        let decoded = try JSONDecoder().decode(Problem.self, from: try JSONEncoder().encode(problem))
        // then
        #expect(decoded == problem)
    }

    @Test func missingTypeMeansAboutBlank() throws {
        let problem = try JSONDecoder().decode(Problem.self, from: Data(#"{"title":"Not Found","status":404}"#.utf8))
        #expect(problem.type == "about:blank")
        #expect(problem.detail == nil)
    }

    @Test func canBeThrown() {
        #expect(throws: Problem(slug: "conflict", title: "冲突", status: 409)) {
            throw Problem(slug: "conflict", title: "冲突", status: 409)
        }
    }
}

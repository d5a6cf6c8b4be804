@testable import Catalog
import Foundation
import Testing
import Vapor

/// The live prober against a real HTTP server on this machine.
@Suite("Mount prober")
struct MountProberTests {
    @Test func probesConnectToTheCheckedAddressAndFollowNoRedirects() async throws {
        let server = try await Application.make(.testing)
        server.logger.logLevel = .error
        server.get("ok") { _ in "ok" }
        server.get("elsewhere") { req in req.redirect(to: "http://169.254.169.254/latest/meta-data") }
        try await server.server.start(address: .hostname("127.0.0.1", port: 0))
        do {
            let port = try #require(server.http.server.shared.localAddress?.port)
            try await check(port: port)
        } catch {
            await server.server.shutdown()
            try await server.asyncShutdown()
            throw error
        }
        await server.server.shutdown()
        try await server.asyncShutdown()
    }

    func check(port: Int) async throws {
        let local = MountURLPolicy(platformURL: "http://yiwang.test", allowsLoopback: true)
        let strict = MountURLPolicy(platformURL: "http://yiwang.test")
        // Names that exist only in this resolver: the probe can reach the server through them only
        // by connecting to the address it resolved and checked.
        let prober = LiveMountProber(resolver: { host in
            switch host.lowercased() {
            case "pinned.example.invalid", "pinned.example.invalid.": ["127.0.0.1"]
            case "dual.example.invalid": ["::1", "2001:db8::1", "127.0.0.1"]
            case "rebind.example.invalid": ["203.0.113.7", "169.254.169.254"]
            case "localhost", "127.0.0.1": ["127.0.0.1"]
            default: []
            }
        })
        #expect(await prober.probe("http://pinned.example.invalid:\(port)/ok", policy: local) == ProbeResult(isLive: true, detail: "HTTP 200"))
        #expect(await prober.probe("http://Pinned.Example.invalid.:\(port)/ok", policy: local).isLive)
        // a name answering on one family only is reached on the other, however many addresses it
        // has on the first
        #expect(await prober.probe("http://dual.example.invalid:\(port)/ok", policy: local).isLive)
        #expect(await prober.probe("http://127.0.0.1:\(port)/ok", policy: local).isLive)
        // a redirect is an answer, not a hop: the probe never reaches the metadata address
        #expect(await prober.probe("http://pinned.example.invalid:\(port)/elsewhere", policy: local).detail == "HTTP 303")
        #expect(await prober.probe("http://pinned.example.invalid:\(port)/missing", policy: local) == ProbeResult(isLive: false, detail: "HTTP 404"))
        // one refused address among the answers refuses the name
        let rebind = await prober.probe("http://rebind.example.invalid:\(port)/ok", policy: local)
        #expect(!rebind.isLive && rebind.detail.contains("169.254.169.254"))
        // where loopback is not allowed, neither the name nor the address is probed
        #expect(await prober.probe("http://pinned.example.invalid:\(port)/ok", policy: strict).isLive == false)
        #expect(await prober.probe("http://127.0.0.1:\(port)/ok", policy: strict).isLive == false)
        // a name that does not resolve is reported as such
        let unknown = await prober.probe("http://no-such-host.example.invalid/", policy: strict)
        #expect(!unknown.isLive && unknown.detail.contains("无法解析"))
        // the system resolver reads localhost from the hosts file
        #expect(await LiveMountProber().probe("http://localhost:\(port)/ok", policy: local).isLive)
    }

    @Test func addressesAreJudgedByTheirBytesNotTheirSpelling() {
        let policy = MountURLPolicy(platformURL: "http://yiwang.test")
        for refused in [
            "http://0177.0.0.1/", "http://2130706433/", "http://0x7f.0.0.1/", "http://127.1/",
            "http://[0:0:0:0:0:0:0:1]/", "http://[::ffff:7f00:1]/", "http://[::ffff:a9fe:a9fe]/",
            "http://[0:0:0:0:0:ffff:127.0.0.1]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[::127.0.0.1]/",
            "http://[FE80::1]/", "http://[fd00:ec2::254]/", "http://[ff02::1]/", "http://[::]/", "http://100.100.100.200/",
        ] {
            #expect(policy.refusal(for: refused) != nil, "\(refused) was allowed")
        }
        for allowed in ["https://approval.example.gov.cn/api", "http://203.0.113.7:8080/x", "http://[2001:db8::1]/", "http://1.example.cn/"] {
            #expect(policy.refusal(for: allowed) == nil, "\(allowed) was refused")
        }
        #expect(policy.refusal(forAddress: "::ffff:169.254.169.254") != nil)
        #expect(policy.refusal(forAddress: "0:0:0:0:0:0:0:1") != nil)
    }
}

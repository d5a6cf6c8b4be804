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
        let port = try #require(server.http.server.shared.localAddress?.port)
        let prober = LiveMountProber()
        let local = MountURLPolicy(platformURL: "http://yiwang.test", allowsLoopback: true)

        // a name is resolved, checked and then connected to at the address it resolved to
        let live = await prober.probe("http://localhost:\(port)/ok", policy: local)
        #expect(live == ProbeResult(isLive: true, detail: "HTTP 200"))
        #expect(await prober.probe("http://127.0.0.1:\(port)/ok", policy: local).isLive)
        // a redirect is an answer, not a hop: the probe never reaches the metadata address
        #expect(await prober.probe("http://localhost:\(port)/elsewhere", policy: local).detail == "HTTP 303")
        #expect(await prober.probe("http://localhost:\(port)/missing", policy: local) == ProbeResult(isLive: false, detail: "HTTP 404"))
        // where loopback is not allowed, neither the name nor the address is probed
        let strict = MountURLPolicy(platformURL: "http://yiwang.test")
        #expect(await prober.probe("http://localhost:\(port)/ok", policy: strict).isLive == false)
        #expect(await prober.probe("http://127.0.0.1:\(port)/ok", policy: strict).isLive == false)
        // a name that does not resolve is reported as such
        let unknown = await prober.probe("http://no-such-host.invalid/", policy: strict)
        #expect(!unknown.isLive)
        #expect(unknown.detail.contains("无法解析"))

        await server.server.shutdown()
        try await server.asyncShutdown()
    }
}

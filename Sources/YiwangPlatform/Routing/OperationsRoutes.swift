import Fluent
import Foundation
import Metrics
import Prometheus
import SQLKit
import Vapor

/// `/healthz`, `/readyz`, `/metrics` and `/openapi.json`.
public enum OperationsRoutes {
    public static func register(on routes: any RoutesBuilder, registry: PrometheusCollectorRegistry) {
        let tag = "operations"
        routes.endpoint(.GET, ["healthz"], access: .anyone, kind: .api(.init("进程存活检查", tag: tag))) { _ in
            ["status": "ok"]
        }
        routes.endpoint(.GET, ["readyz"], access: .anyone, kind: .api(.init("就绪检查（数据库可达）", tag: tag))) { req async throws -> Response in
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
                try await sql.raw("SELECT 1").run()
                Timer(label: "yiwang_database_ping_seconds").recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
                Gauge(label: "yiwang_database_up").record(1)
                return try await ["status": "ready", "database": "reachable"].encodeResponse(for: req)
            } catch {
                Gauge(label: "yiwang_database_up").record(0)
                req.logger.warning("readiness check failed: database unreachable")
                let response = try await ["status": "not-ready", "database": "unreachable"].encodeResponse(for: req)
                response.status = .serviceUnavailable
                return response
            }
        }
        routes.endpoint(.GET, ["metrics"], access: .anyone, kind: .api(.init("Prometheus 指标", tag: tag, success: (200, "text/plain")))) { req async throws -> Response in
            // Sample the pool before each scrape so its gauges are current.
            if let sql = req.db as? any SQLDatabase {
                let started = DispatchTime.now().uptimeNanoseconds
                let reachable = (try? await sql.raw("SELECT 1").run()) != nil
                Gauge(label: "yiwang_database_up").record(reachable ? 1 : 0)
                Gauge(label: "yiwang_database_acquire_and_ping_seconds").record(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            }
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            let response = Response(status: .ok, body: .init(data: Data(buffer)))
            response.headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
            return response
        }
        routes.endpoint(.GET, ["openapi.json"], access: .anyone, kind: .api(.init("本 API 的 OpenAPI 3.1 文档", tag: tag))) { req async throws -> Response in
            let document = OpenAPIDocument.make(from: req.application.routes.all, serverURL: req.platform.configuration.publicURL)
            let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
            let response = Response(status: .ok, body: .init(data: data))
            response.headers.contentType = .json
            return response
        }
    }
}

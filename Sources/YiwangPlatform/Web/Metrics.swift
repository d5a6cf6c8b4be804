import CoreMetrics
import Foundation
import Metrics
import NIOConcurrencyHelpers
import Prometheus
import Vapor

/// Prometheus metrics for the process: Vapor reports requests by route and status and their latencies
/// through swift-metrics; the platform adds database pool gauges.
public enum PlatformMetrics {
    private static let state = NIOLockedValueBox<PrometheusCollectorRegistry?>(nil)

    /// Bootstraps the process-wide metrics system once; later calls reuse it.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        state.withLockedValue { registry in
            if let registry { return registry }
            let created = PrometheusCollectorRegistry()
            var factory = PrometheusMetricsFactory(registry: created)
            factory.defaultDurationHistogramBuckets = [
                .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
            ]
            MetricsSystem.bootstrap(factory)
            registry = created
            return created
        }
    }
}

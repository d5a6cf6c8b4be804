import Foundation
import Vapor

/// Every path the catalog part serves.
public enum CatalogPath: String, CaseIterable, Sendable {
    case classes = "/api/catalog/classes"
    case entries = "/api/catalog/entries"
    case systems = "/api/catalog/systems"
    case systemRequests = "/api/catalog/system-requests"
    case hostedTables = "/api/catalog/hosted-tables"
    case demands = "/api/catalog/demands"
    case supplyList = "/api/catalog/lists/supply"
    case negativeList = "/api/catalog/lists/negative"
    case statistics = "/api/catalog/statistics"
    case imports = "/api/catalog/imports"
    case exportCSV = "/api/catalog/export.csv"
    case dcat = "/catalog.jsonld"
    case ckan = "/api/3/action"
    case browse = "/catalog"
    case workspace = "/console/catalog"
    case dashboard = "/console/catalog/dashboard"

    public var components: [PathComponent] {
        rawValue.split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
    }

    func components(appending extra: PathComponent...) -> [PathComponent] { components + extra }

    /// The page of one entry.
    public static func entryPage(_ id: UUID) -> String { "/catalog/entries/\(id.uuidString.lowercased())" }
}

/// The catalog part's collaborators, chosen at start-up.
public struct CatalogServices: Sendable {
    public var prober: any MountProber
    public var allowsLoopbackMounts: Bool
    public var probeInterval: TimeInterval

    public init(prober: any MountProber, allowsLoopbackMounts: Bool = false, probeInterval: TimeInterval = 15 * 60) {
        self.prober = prober
        self.allowsLoopbackMounts = allowsLoopbackMounts
        self.probeInterval = probeInterval
    }
}

extension Application {
    private struct CatalogKey: StorageKey { typealias Value = CatalogServices }

    public var catalog: CatalogServices {
        get {
            guard let services = storage[CatalogKey.self] else { fatalError("catalog services not configured") }
            return services
        }
        set { storage[CatalogKey.self] = newValue }
    }
}

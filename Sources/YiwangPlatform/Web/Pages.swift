import Foundation
import Leaf
import LeafKit
import NIOConcurrencyHelpers
import Vapor

/// Languages the pages speak; Chinese first.
public enum PageLanguage: String, Sendable, Encodable, CaseIterable {
    case zh = "zh-CN"
    case en

    static let cookieName = "yiwang_lang"

    /// `?lang=` wins, then the cookie, then Accept-Language; Chinese by default.
    static func preferred(by request: Request) -> PageLanguage {
        if let query = request.query[String.self, at: "lang"], let language = PageLanguage(code: query) { return language }
        if let cookie = request.cookies[cookieName]?.string, let language = PageLanguage(code: cookie) { return language }
        if let accept = request.headers.first(name: .acceptLanguage)?.lowercased() {
            let zh = accept.range(of: "zh")?.lowerBound, en = accept.range(of: "en")?.lowerBound
            if let en, zh.map({ en < $0 }) ?? true { return .en }
        }
        return .zh
    }

    init?(code: String) {
        switch code.lowercased() {
        case "zh", "zh-cn", "zh-hans": self = .zh
        case "en", "en-us", "en-gb": self = .en
        default: return nil
        }
    }
}

/// Localised strings, one catalog per language, merged from every part's `strings/<lang>.json`.
public struct StringCatalog: Sendable {
    private var tables: [PageLanguage: [String: String]] = [:]

    public init() {}

    /// Merges `strings/zh-CN.json` and `strings/en.json` found under `directory`.
    public mutating func load(from directory: String) throws {
        for language in PageLanguage.allCases {
            let path = directory + "/strings/\(language.rawValue).json"
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let table = try JSONDecoder().decode([String: String].self, from: data)
            tables[language, default: [:]].merge(table) { _, new in new }
        }
    }

    /// The table for a language, falling back to Chinese for keys the language lacks.
    public func table(for language: PageLanguage) -> [String: String] {
        let chinese = tables[.zh] ?? [:]
        guard language != .zh else { return chinese }
        return chinese.merging(tables[language] ?? [:]) { _, new in new }
    }

    public func string(_ key: String, in language: PageLanguage) -> String {
        tables[language]?[key] ?? tables[.zh]?[key] ?? key
    }
}

/// One link in the page header.
public struct NavigationLink: Encodable, Sendable {
    public var label: String
    public var href: String

    public init(label: String, href: String) {
        self.label = label
        self.href = href
    }
}

/// What the shared layout shows around every page.
public struct PageLayout: Encodable, Sendable {
    public var lang: String
    public var s: [String: String]
    public var title: String
    public var csrfToken: String
    public var signedInAs: String?
    public var navigation: [NavigationLink]
    public var isConsole: Bool
    /// Desktop-width pages (the console, the catalog browser).
    public var isWide: Bool
    public var isElderMode: Bool
    /// The link that switches large text on or off.
    public var elderToggle: String
    public var otherLanguage: String
    public var otherLanguageLabel: String
    public var currentPath: String
}

/// A page's model together with the layout around it; the template's whole context.
public struct PageContext<Model: Encodable & Sendable>: Encodable, Sendable {
    public var layout: PageLayout
    public var page: Model
}

extension Application {
    private struct CatalogKey: StorageKey { typealias Value = StringCatalog }

    public var strings: StringCatalog {
        get { storage[CatalogKey.self] ?? StringCatalog() }
        set { storage[CatalogKey.self] = newValue }
    }

    /// Registers a part's resource folder: its `Views/` for Leaf and its `strings/` catalogs.
    public func registerPageResources(named name: String, at directory: String) throws {
        var catalog = strings
        try catalog.load(from: directory)
        strings = catalog
        let views = directory + "/Views/"
        guard FileManager.default.fileExists(atPath: views) else { return }
        // Not `.toVisibleFiles`: a development build lives under `.build/`. The sandbox still confines reads.
        let files = NIOLeafFiles(fileio: fileio, limits: [.toSandbox, .requireExtensions], sandboxDirectory: views, viewDirectory: views)
        try leaf.sources.register(source: name, using: files, searchable: true)
    }
}

extension Request {
    public var language: PageLanguage { PageLanguage.preferred(by: self) }

    /// A localised string for this request's language.
    public func localized(_ key: String) -> String {
        application.strings.string(key, in: language)
    }

    /// This request's URL with one query parameter set, for switches such as language and large text.
    func currentURL(setting name: String, to value: String) -> String {
        var components = URLComponents(string: url.string)
        let items = (components?.queryItems ?? []).filter { $0.name != name }
        components?.queryItems = items + [URLQueryItem(name: name, value: value)]
        return components?.string ?? "?\(name)=\(value)"
    }

    /// Renders `template` with `model` inside the shared layout.
    public func renderPage<Model: Encodable & Sendable>(
        _ template: String, title titleKey: String, model: Model, console: Bool = false, wide: Bool = false,
        navigation: [NavigationLink] = [], status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let language = self.language
        let principal = try? await principal()
        let table = application.strings.table(for: language)
        let other: PageLanguage = language == .zh ? .en : .zh
        // 长辈模式: `?elder=1` / `?elder=0` switches large text and is remembered like the language.
        let elderQuery = query[String.self, at: "elder"]
        let elderMode = elderQuery.map { $0 == "1" } ?? (cookies["yiwang_elder"]?.string == "1")
        let elderToggle = currentURL(setting: "elder", to: elderMode ? "0" : "1")
        let layout = PageLayout(
            lang: language.rawValue,
            s: table,
            title: table[titleKey] ?? titleKey,
            csrfToken: CSRF.token(for: self),
            signedInAs: principal.flatMap { $0.accountID == nil ? nil : $0.displayName },
            navigation: navigation,
            isConsole: console,
            isWide: wide || console,
            isElderMode: elderMode,
            elderToggle: elderToggle,
            otherLanguage: currentURL(setting: "lang", to: other == .zh ? "zh" : "en"),
            otherLanguageLabel: other == .zh ? "中文" : "English",
            currentPath: url.path
        )
        let view = try await view.render(template, PageContext(layout: layout, page: model))
        let response = try await view.encodeResponse(status: status, for: self)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        if let elderQuery {
            response.cookies["yiwang_elder"] = .init(string: elderQuery == "1" ? "1" : "0", path: "/", isHTTPOnly: true, sameSite: .lax)
        }
        if let query = query[String.self, at: "lang"], let chosen = PageLanguage(code: query) {
            response.cookies[PageLanguage.cookieName] = .init(string: chosen.rawValue, path: "/", isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }
}

/// The model of the plain-language error page.
public struct ErrorPageModel: Encodable, Sendable {
    public var status: Int
    public var title: String
    public var detail: String
    public var requestID: String

    public init(status: Int, title: String, detail: String, requestID: String) {
        self.status = status
        self.title = title
        self.detail = detail
        self.requestID = requestID
    }
}

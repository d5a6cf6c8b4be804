// swift-tools-version: 6.1
import PackageDescription

let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "yiwang",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "yiwang", targets: ["yiwang"]),
        // For the benchmarks package, which builds against the server in release mode.
        .library(name: "YiwangServer", targets: ["YiwangServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.14.3"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        // Pure Swift: identifiers, masking, calendar, hash chain, problem details. No Vapor.
        .target(
            name: "YiwangKit",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: settings
        ),
        // Shared server plumbing: configuration, database, audit log, access rules, pages, API docs.
        .target(
            name: "YiwangPlatform",
            dependencies: [
                "YiwangKit",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: settings
        ),
        // 统一身份认证: organisations, accounts, real-name levels, sessions, OpenID Connect provider.
        .target(
            name: "Identity",
            dependencies: [
                "YiwangKit",
                "YiwangPlatform",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: settings
        ),
        // Reading the spreadsheets departments fill in: CSV (UTF-8 or GB18030) and .xlsx. No Vapor.
        .target(
            name: "Spreadsheet",
            dependencies: [
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: settings
        ),
        // 政务信息资源目录: information systems, catalog entries and their lifecycle, the three lists,
        // mounts, search, CKAN and DCAT interfaces.
        .target(
            name: "Catalog",
            dependencies: [
                "YiwangKit",
                "YiwangPlatform",
                "Identity",
                "Spreadsheet",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: settings
        ),
        // Composition: configuration, middleware order, migrations, route table, demo city, CLI commands.
        .target(
            name: "YiwangServer",
            dependencies: [
                "YiwangKit",
                "YiwangPlatform",
                "Identity",
                "Catalog",
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "yiwang",
            dependencies: ["YiwangServer", "YiwangPlatform", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: settings
        ),
        .testTarget(
            name: "YiwangKitTests",
            dependencies: ["YiwangKit"],
            swiftSettings: settings
        ),
        .testTarget(
            name: "SpreadsheetTests",
            dependencies: ["Spreadsheet"],
            resources: [.copy("Fixtures")],
            swiftSettings: settings
        ),
        .testTarget(
            name: "YiwangServerTests",
            dependencies: [
                "YiwangServer",
                "Identity",
                "Catalog",
                "YiwangPlatform",
                "YiwangKit",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: settings
        ),
    ]
)

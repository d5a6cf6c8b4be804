// swift-tools-version: 6.1
import PackageDescription

// A separate package so CI's `swift build` of the server does not build the benchmarks.
let package = Package(
    name: "yiwang-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "yiwang", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "catalog-search",
            dependencies: [.product(name: "YiwangServer", package: "yiwang")],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
    ]
)

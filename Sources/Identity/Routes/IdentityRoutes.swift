import Foundation
import Vapor
import YiwangPlatform

/// The identity part's route table.
public enum IdentityRoutes {
    public static func register(on routes: any RoutesBuilder) {
        IdentityAPI.register(on: routes)
        IdentityPages.register(on: routes)
        ConsolePages.register(on: routes)
    }

    /// Where this part's templates and strings live at run time.
    public static var resourceDirectory: String { Bundle.module.bundlePath + "/Resources" }
}

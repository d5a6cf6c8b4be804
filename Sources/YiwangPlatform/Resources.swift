import Foundation

/// Where this part's templates, static files and string catalogs live at run time.
public enum PlatformResources {
    public static var directory: String { Bundle.module.bundlePath + "/Resources" }
}

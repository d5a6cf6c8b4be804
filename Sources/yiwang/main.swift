import ArgumentParser
import Logging
import YiwangPlatform
import YiwangServer

let environment = ServerEnvironment()
LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: environment.logLevel) }
do {
    var command = try YiwangCommand.parseAsRoot()
    if let runnable = command as? any AsyncRunnable {
        try await runnable.execute()
    } else {
        try command.run()
    }
} catch {
    YiwangCommand.exit(withError: error)
}

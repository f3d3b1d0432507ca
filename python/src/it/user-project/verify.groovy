// java -jar, as README says, started from a directory other than the project's: the Graal compiler folder the build
// copied beside the jar is named by its absolute path. Asserts the Python answer and the runtime the log reports.
import java.nio.file.Files
import java.util.concurrent.TimeUnit

def target = new File(basedir, 'target')
assert new File(target, 'app.jar').isFile()
assert new File(target, 'truffle-jit').listFiles().length == 4

def java = new File(System.getProperty('java.home'), 'bin/java').absolutePath
def elsewhere = Files.createTempDirectory('user-project-run').toFile()
def log = new File(basedir, 'java-jar.log')
def command = [java, '-XX:+UnlockExperimentalVMOptions', '-XX:+EnableJVMCI',
        "--upgrade-module-path=${target.absolutePath}/truffle-jit".toString(), '--enable-native-access=ALL-UNNAMED',
        '--sun-misc-unsafe-memory-access=allow', '-jar', new File(target, 'app.jar').absolutePath,
        '--server.port=0', "--wsgi.python.path=${new File(basedir, 'src/main/python').absolutePath}".toString(),
        "--wsgi.python.bytecode-cache=${target.absolutePath}/pycache".toString()]
println "Running from ${elsewhere}: ${command.join(' ')}"
def process = new ProcessBuilder(command).directory(elsewhere).redirectErrorStream(true)
        .redirectOutput(log).start()
try {
    def port = null
    def deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120)
    def body = null
    while (body == null && System.nanoTime() < deadline && process.alive) {
        Thread.sleep(500)
        if (port == null) {
            def started = log.text =~ /Netty started on port (\d+)/
            if (started.find()) {
                port = started.group(1)
            }
            continue
        }
        def connection = new URL("http://localhost:${port}/py/hi").openConnection()
        if (connection.responseCode == 200) {
            body = connection.inputStream.text
        }
    }
    assert body != null: "no answer from java -jar within 120 s:\n${log.text}"
    assert body.startsWith('Hello from graalpy'): body
    def runtime = log.text =~ /GraalPy [^\n]* on the (.+) Truffle runtime/
    assert runtime.find(): "no runtime line in the log:\n${log.text}"
    assert runtime.group(1) != 'Interpreted': log.text
    if (Runtime.version().feature() >= 24) {
        // The JDK-dependent flags reached both JVMs: Truffle's Unsafe and native-access warnings are silenced.
        [new File(basedir, 'build.log'), log].each {
            assert !(it.text =~ /(?s)WARNING: [^\n]*(Unsafe|restricted method)[^\n]*\n[^\n]*com\.oracle\.truffle/): it.text
        }
    }
    println "java -jar from ${elsewhere}: ${body.trim()}; runtime ${runtime.group(1)}"
}
finally {
    process.destroy()
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly()
    }
    elsewhere.deleteDir()
}
return true

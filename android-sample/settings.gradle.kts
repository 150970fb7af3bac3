// Graft Android sample: a small app that runs dev.graft:graft-runtime benchmarks on a phone.
// Not part of the Maven reactor. Install the runtime into the local Maven repository first:
//   mvn -B -pl runtime -am install -DskipTests      (from the repository root)
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        mavenLocal {
            content { includeGroup("dev.graft") }
        }
        google()
        mavenCentral()
    }
}

rootProject.name = "graft-android-sample"
include(":app")

import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
}

// The runtime built by Maven (mvn -B -pl runtime -am install -DskipTests).
val graftVersion = "0.1.0-SNAPSHOT"
// graft-runtime is compiled against the TFLite 2.16.1 API.
val tfliteVersion = "2.16.1"
// tensorflow-lite-gpu 2.16.1 needs GpuDelegateFactory, published only up to
// tensorflow-lite-gpu-api 2.14.0; without it GpuDelegate fails with NoClassDefFoundError.
val tfliteGpuApiVersion = "2.14.0"
// Same Java API (ai.onnxruntime) as the desktop onnxruntime the runtime is built against.
val onnxRuntimeVersion = "1.29.0"

android {
    namespace = "dev.graft.sample"
    compileSdk = 35

    defaultConfig {
        applicationId = "dev.graft.sample"
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
    }

    buildTypes {
        release {
            // Benchmarks run the debug build; if you minify, keep the runtime's backends,
            // which it creates by reflection (see proguard-rules.pro).
            isMinifyEnabled = false
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    compilerOptions {
        jvmTarget.set(JvmTarget.JVM_17)
    }
}

dependencies {
    implementation("dev.graft:graft-runtime:$graftVersion")
    implementation("org.tensorflow:tensorflow-lite:$tfliteVersion")
    implementation("org.tensorflow:tensorflow-lite-gpu:$tfliteVersion")
    implementation("org.tensorflow:tensorflow-lite-gpu-api:$tfliteGpuApiVersion")
    implementation("com.microsoft.onnxruntime:onnxruntime-android:$onnxRuntimeVersion")
}

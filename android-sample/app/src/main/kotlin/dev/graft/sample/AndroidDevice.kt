package dev.graft.sample

import android.os.Build
import android.os.Debug
import dev.graft.runtime.DeviceInfo
import dev.graft.runtime.memory.MemoryProbe
import dev.graft.runtime.memory.MemoryProbes

/** What only Android can tell `graft-runtime`: `Build` fields and the native heap. */
object AndroidDevice {
    /** `DeviceInfo.fromSystem()` plus the phone's identity from `android.os.Build`. */
    fun info(): DeviceInfo {
        val b = DeviceInfo.fromSystem().toBuilder()
            .platform("android")
            .manufacturer(Build.MANUFACTURER)
            .model(Build.MODEL)
            .device(Build.DEVICE)
            .sdkInt(Build.VERSION.SDK_INT)
            .fingerprint(Build.FINGERPRINT)
            .abis(Build.SUPPORTED_ABIS.toList())
            .extra("android_release", Build.VERSION.RELEASE)
            .extra("hardware", Build.HARDWARE)
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.S) {
            b.soc("${Build.SOC_MANUFACTURER} ${Build.SOC_MODEL}")
        }
        return b.build()
    }

    /** The runtime's probes (RSS, Java heap) and the native heap, where TFLite and ORT allocate. */
    fun probes(): List<MemoryProbe> = MemoryProbes.defaults() + NativeHeapProbe

    private object NativeHeapProbe : MemoryProbe {
        override fun name(): String = "android-native-heap"

        override fun currentBytes(): Long = Debug.getNativeHeapAllocatedSize()
    }
}

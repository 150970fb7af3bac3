package dev.graft.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine a benchmark ran on. {@link #fromSystem()} fills what any JVM tells (OS, CPU
 * architecture and cores, VM); an Android app adds the {@code android.os.Build} fields through
 * the builder, which this library cannot read without the Android SDK:
 *
 * <pre>{@code
 * DeviceInfo info = DeviceInfo.fromSystem().toBuilder()
 *     .platform("android").manufacturer(Build.MANUFACTURER).model(Build.MODEL)
 *     .sdkInt(Build.VERSION.SDK_INT).build();
 * }</pre>
 *
 * <p>Unknown fields are null and left out of the JSON.
 */
public final class DeviceInfo {
  private final String platform;
  private final String os;
  private final String osVersion;
  private final String arch;
  private final int cpuCores;
  private final String vm;
  private final String vmVersion;
  private final String manufacturer;
  private final String model;
  private final String device;
  private final Integer sdkInt;
  private final String fingerprint;
  private final String soc;
  private final List<String> abis;
  private final Map<String, String> extra;

  private DeviceInfo(Builder b) {
    this.platform = b.platform;
    this.os = b.os;
    this.osVersion = b.osVersion;
    this.arch = b.arch;
    this.cpuCores = b.cpuCores;
    this.vm = b.vm;
    this.vmVersion = b.vmVersion;
    this.manufacturer = b.manufacturer;
    this.model = b.model;
    this.device = b.device;
    this.sdkInt = b.sdkInt;
    this.fingerprint = b.fingerprint;
    this.soc = b.soc;
    this.abis = Collections.unmodifiableList(new ArrayList<>(b.abis));
    this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(b.extra));
  }

  /** What this JVM tells: platform {@code desktop}, or {@code android} on an Android VM. */
  public static DeviceInfo fromSystem() {
    String vmName = System.getProperty("java.vm.name", "");
    boolean android =
        vmName.toLowerCase(java.util.Locale.ROOT).contains("dalvik")
            || System.getProperty("java.vendor", "").contains("Android");
    return builder()
        .platform(android ? "android" : "desktop")
        .os(System.getProperty("os.name"))
        .osVersion(System.getProperty("os.version"))
        .arch(System.getProperty("os.arch"))
        .cpuCores(Runtime.getRuntime().availableProcessors())
        .vm(vmName.isEmpty() ? null : vmName)
        .vmVersion(System.getProperty("java.vm.version"))
        .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these fields. */
  public Builder toBuilder() {
    Builder b = new Builder()
        .platform(platform).os(os).osVersion(osVersion).arch(arch).cpuCores(cpuCores).vm(vm)
        .vmVersion(vmVersion).manufacturer(manufacturer).model(model).device(device)
        .sdkInt(sdkInt).fingerprint(fingerprint).soc(soc).abis(abis);
    for (Map.Entry<String, String> e : extra.entrySet()) {
      b.extra(e.getKey(), e.getValue());
    }
    return b;
  }

  /** {@code desktop} or {@code android}. */
  public String platform() { return platform; }

  public String os() { return os; }

  public String osVersion() { return osVersion; }

  public String arch() { return arch; }

  /** Processors available to the VM; 0 when unknown. */
  public int cpuCores() { return cpuCores; }

  public String vm() { return vm; }

  public String vmVersion() { return vmVersion; }

  /** Android {@code Build.MANUFACTURER}. */
  public String manufacturer() { return manufacturer; }

  /** Android {@code Build.MODEL}. */
  public String model() { return model; }

  /** Android {@code Build.DEVICE}. */
  public String device() { return device; }

  /** Android {@code Build.VERSION.SDK_INT}. */
  public Integer sdkInt() { return sdkInt; }

  /** Android {@code Build.FINGERPRINT}. */
  public String fingerprint() { return fingerprint; }

  /** Android {@code Build.SOC_MANUFACTURER + " " + Build.SOC_MODEL} (API 31+). */
  public String soc() { return soc; }

  /** Android {@code Build.SUPPORTED_ABIS}. */
  public List<String> abis() { return abis; }

  /** Anything else worth recording (GPU renderer, thermal state…). */
  public Map<String, String> extra() { return extra; }

  /** Builder of {@link DeviceInfo}; every field is optional. */
  public static final class Builder {
    private String platform;
    private String os;
    private String osVersion;
    private String arch;
    private int cpuCores;
    private String vm;
    private String vmVersion;
    private String manufacturer;
    private String model;
    private String device;
    private Integer sdkInt;
    private String fingerprint;
    private String soc;
    private final List<String> abis = new ArrayList<>();
    private final Map<String, String> extra = new LinkedHashMap<>();

    private Builder() {}

    public Builder platform(String v) { platform = v; return this; }

    public Builder os(String v) { os = v; return this; }

    public Builder osVersion(String v) { osVersion = v; return this; }

    public Builder arch(String v) { arch = v; return this; }

    public Builder cpuCores(int v) { cpuCores = v; return this; }

    public Builder vm(String v) { vm = v; return this; }

    public Builder vmVersion(String v) { vmVersion = v; return this; }

    public Builder manufacturer(String v) { manufacturer = v; return this; }

    public Builder model(String v) { model = v; return this; }

    public Builder device(String v) { device = v; return this; }

    public Builder sdkInt(Integer v) { sdkInt = v; return this; }

    public Builder fingerprint(String v) { fingerprint = v; return this; }

    public Builder soc(String v) { soc = v; return this; }

    /** Replaces the ABI list. */
    public Builder abis(List<String> v) {
      abis.clear();
      if (v != null) {
        abis.addAll(v);
      }
      return this;
    }

    public Builder extra(String key, String value) {
      extra.put(key, value);
      return this;
    }

    public DeviceInfo build() {
      return new DeviceInfo(this);
    }
  }
}

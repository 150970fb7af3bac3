/** Helpers shared by the runtime's packages; not an API, may change without notice. */
package dev.graft.runtime.internal;

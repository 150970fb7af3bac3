/** File helpers shared by every writer: atomic writes and checked reads of user files. */
package dev.graft.io;

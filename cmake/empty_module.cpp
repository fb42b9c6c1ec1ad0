// Compiled into a module library that has no sources of its own yet.

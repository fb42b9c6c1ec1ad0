#pragma once
// Returns freed heap memory to the operating system. glibc keeps what a burst allocated (its
// arenas only shrink from the top); after a load peak the process would otherwise hold that
// memory for its whole life. Cheap enough to call after a pool shrinks, not per request.
namespace dzvin {
void release_free_memory();
}  // namespace dzvin

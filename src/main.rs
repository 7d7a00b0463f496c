//! The `themeline` binary: a thin shell over the library (see `cli`).

mod cli;

/// mimalloc instead of the system allocator: counting allocates and frees many
/// small strings and maps per worker, and glibc's allocator spent a quarter of a
/// run's time consolidating and unlinking chunks (see BENCHMARKS.md). The
/// library leaves the choice to its users.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}

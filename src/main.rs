/// mimalloc: per-thread heaps for the many small values runs build and
/// drop (issue 12, docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    bloc::run()
}

fn main() -> std::process::ExitCode {
    bloc::run()
}

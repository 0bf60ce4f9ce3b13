fn main() {
    std::process::exit(sp_contract::cli::main());
}

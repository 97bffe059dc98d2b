//! The floor of `cargo bench-validate` (issue 13): a bare `csv`-crate pass that only counts
//! the records of a file and prints the count.
//!
//! A binary of its own so that its machine code does not move when the benchmark harness
//! changes: the same loop built inside the harness ran 14 % faster or slower after unrelated
//! edits to the harness (code layout), and every ratio moved with it.

fn main() {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: floor FILE");
        std::process::exit(2);
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .expect("open");
    let mut rec = csv::ByteRecord::new();
    let mut n: u64 = 0;
    while rdr.read_byte_record(&mut rec).expect("read") {
        n += 1;
    }
    println!("{n}");
}

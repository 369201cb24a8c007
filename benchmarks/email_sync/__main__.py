from benchmarks.email_sync.runner import main

main()

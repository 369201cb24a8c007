from benchmarks.webhooks.runner import main

main()

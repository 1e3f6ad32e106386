from assistant.main import main

raise SystemExit(main())

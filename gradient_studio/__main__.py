from gradient_studio.cli import main

raise SystemExit(main())

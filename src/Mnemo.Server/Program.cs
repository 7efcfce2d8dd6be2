using Mnemo.Server.Cli;

return await MnemoCli.RunAsync(args);

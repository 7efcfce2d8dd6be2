using Mnemo.Server.Hosting;

return await MnemoServer.RunAsync(args);

Console.WriteLine("SetGpu");

using Microsoft.ML;
using Microsoft.ML.Data;
using SetGpu.Data;

namespace SetGpu.OnnxTests.MlNet;

/// <summary>
/// <see cref="DataViewDataset.Load"/> on data views ML.NET builds: the features and classes of every row, for key,
/// integer, float and boolean labels, and a one-line refusal naming the column for each thing it cannot take.
/// </summary>
public class DataViewDatasetTests
{
    readonly MLContext _ml = new(seed: 1);

    sealed class Row
    {
        [VectorType(3)] public float[] Features { get; set; } = [];
        public int Label { get; set; }
        public string Name { get; set; } = "";
        public double Score { get; set; }
        public bool Flag { get; set; }
        [VectorType(3)] public double[] Wide { get; set; } = [];
    }

    static readonly Row[] Rows =
    [
        new() { Features = [1, 2, 3], Label = 2, Name = "cat", Score = 1, Flag = true, Wide = [1, 2, 3] },
        new() { Features = [4, 5, 6], Label = 0, Name = "dog", Score = 0, Flag = false, Wide = [4, 5, 6] },
        new() { Features = [7, 8, 9], Label = 1, Name = "cat", Score = 2, Flag = true, Wide = [7, 8, 9] },
    ];

    IDataView View(IEnumerable<Row>? rows = null) => _ml.Data.LoadFromEnumerable(rows ?? Rows);

    [Fact]
    public void Integer_labels_are_the_classes_and_every_feature_is_kept_in_order()
    {
        var data = DataViewDataset.Load(View());
        Assert.Equal(3, data.Samples);
        Assert.Equal(3, data.FeatureCount);
        Assert.Equal(3, data.Classes);
        Assert.Equal([1f, 2, 3, 4, 5, 6, 7, 8, 9], data.Features);
        Assert.Equal([2, 0, 1], data.Labels);
    }

    [Fact]
    public void Key_labels_from_map_value_to_key_count_their_classes_from_the_key_type()
    {
        var keyed = _ml.Transforms.Conversion.MapValueToKey("Key", "Name").Fit(View()).Transform(View());
        var data = DataViewDataset.Load(keyed, label: "Key");
        Assert.Equal(2, data.Classes);
        Assert.Equal([0, 1, 0], data.Labels); // keys in order of first appearance: cat 1, dog 2
    }

    [Theory]
    [InlineData("Score", new[] { 1, 0, 2 })]
    [InlineData("Flag", new[] { 1, 0, 1 })]
    public void Whole_number_and_boolean_labels_are_class_indices(string column, int[] expected) =>
        Assert.Equal(expected, DataViewDataset.Load(View(), label: column).Labels);

    [Fact]
    public void A_sparse_feature_vector_is_read_dense()
    {
        // A one-hot encoding is a sparse vector column: its absent entries come back as zeros.
        var encoded = _ml.Transforms.Categorical.OneHotEncoding("Hot", "Name").Fit(View()).Transform(View());
        var data = DataViewDataset.Load(encoded, features: "Hot");
        Assert.Equal(2, data.FeatureCount);
        Assert.Equal([1f, 0, 0, 1, 1, 0], data.Features);
    }

    [Theory]
    [InlineData("Missing", "Label", "no features column 'Missing'")]
    [InlineData("Features", "Missing", "no label column 'Missing'")]
    [InlineData("Wide", "Label", "column 'Wide' is Vector<Double, 3>; features must be a vector of Single")]
    [InlineData("Features", "Name", "label column 'Name' is String; labels must be a key")]
    public void A_column_it_cannot_take_is_named_in_one_line(string features, string label, string message)
    {
        var e = Assert.Throws<DataFormatException>(() => DataViewDataset.Load(View(), features, label, name: "my view"));
        Assert.StartsWith("my view: ", e.Message);
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_label_that_is_no_class_index_is_refused_with_its_row()
    {
        var rows = Rows.Select(r => new Row { Features = r.Features, Score = r.Score + 0.5, Wide = r.Wide }).ToArray();
        var e = Assert.Throws<DataFormatException>(() => DataViewDataset.Load(View(rows), label: "Score"));
        Assert.Contains("row 0: label column 'Score' is 1.5", e.Message);
    }

    [Fact]
    public void An_empty_view_is_refused() =>
        Assert.Contains("no rows", Assert.Throws<DataFormatException>(() => DataViewDataset.Load(View([]))).Message);
}
